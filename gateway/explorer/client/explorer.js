/*
 * The Plantgraph explorer in the browser: GraphiQL with the ten questions as saved tabs, a
 * "Sources" panel (which systems the current operation touches, in which order, and where the
 * last answer came from), a "Questions" list and a "Usage" view (fields by use over a window). Plain browser JavaScript over the prebuilt
 * React and GraphiQL bundles the gateway serves, so nothing is fetched from outside.
 */
(function () {
  'use strict';

  var React = window.React;
  var ReactDOM = window.ReactDOM;
  var GraphiQL = window.GraphiQL;
  var h = React.createElement;

  var config = JSON.parse(document.getElementById('plantgraph-config').textContent);

  /* ---------- a small store the panels subscribe to (GraphiQL owns the editors) ---------- */

  function createStore(initial) {
    var state = initial;
    var listeners = new Set();
    return {
      get: function () {
        return state;
      },
      set: function (patch) {
        state = Object.assign({}, state, patch);
        listeners.forEach(function (listener) {
          listener();
        });
      },
      subscribe: function (listener) {
        listeners.add(listener);
        return function () {
          listeners.delete(listener);
        };
      },
    };
  }

  var firstOperation = config.operations[0];
  var store = createStore({
    query: firstOperation ? firstOperation.document : '',
    operationName: firstOperation ? firstOperation.name : null,
    plan: { status: 'idle' },
    answer: null,
    systems: {},
  });

  function useStore() {
    return React.useSyncExternalStore(store.subscribe, store.get);
  }

  /* ---------- requests to the gateway ---------- */

  // Headers from GraphiQL's headers editor (a token pasted by the analyst), as last sent: the
  // planner and the authority data need the same credentials as the queries.
  var editorHeaders = {};

  // Signed in with the plant's identity provider (sign-in.js), the page sends that token, unless
  // the analyst pasted an Authorization header of their own.
  var signIn = window.plantgraphSignIn || {
    enabled: false,
    accessToken: function () {
      return Promise.resolve(null);
    },
  };

  function credentials() {
    return signIn.accessToken().then(function (token) {
      // An Authorization header typed in the editor (in any case) wins; two would be joined into one invalid value.
      var typed = Object.keys(editorHeaders).some(function (name) {
        return name.toLowerCase() === 'authorization';
      });
      var signedIn = token && !typed ? { authorization: 'Bearer ' + token } : {};
      return Object.assign({}, config.headers, signedIn, editorHeaders);
    });
  }

  // The authority map is for users, like the data: a plain link would arrive without the token,
  // so the page fetches the map with its credentials and shows it in a new tab.
  function openAuthorityPage(event) {
    event.preventDefault();
    var tab = window.open('', '_blank');
    credentials()
      .then(function (headers) {
        return fetch(config.authorityPage, { headers: Object.assign({ accept: 'text/html' }, headers) });
      })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        // A blob: document has no path of its own (and the page's policy forbids <base>): its
        // links to the gateway's paths are made absolute.
        var based = html.replace(/href="\//g, 'href="' + window.location.origin + '/');
        var url = URL.createObjectURL(new Blob([based], { type: 'text/html' }));
        if (tab) tab.location.href = url;
        else window.location.href = url;
      })
      .catch(function (err) {
        if (tab) tab.document.body.textContent = 'Could not load the authority map: ' + err.message;
      });
  }

  function postJson(url, body, extraHeaders) {
    return credentials()
      .then(function (given) {
        var headers = Object.assign({ 'content-type': 'application/json', accept: 'application/json' }, given, extraHeaders || {});
        return fetch(url, { method: 'POST', headers: headers, body: JSON.stringify(body) });
      })
      .then(function (response) {
        return response.json().then(function (json) {
          return { status: response.status, body: json };
        });
      });
  }

  function requestPlan(query, operationName) {
    return postJson(config.planEndpoint, { query: query, operationName: operationName || null }).then(
      function (result) {
        if (result.body && result.body.plan) return { status: 'ready', plan: result.body.plan };
        var errors = (result.body && result.body.errors) || [{ message: 'HTTP ' + result.status }];
        return { status: 'error', errors: errors };
      },
      function (err) {
        return { status: 'error', errors: [{ message: String((err && err.message) || err) }] };
      },
    );
  }

  var planTimer = null;
  var planSequence = 0;
  function schedulePlan() {
    clearTimeout(planTimer);
    planTimer = setTimeout(function () {
      var state = store.get();
      if (!state.query || !state.query.trim()) return store.set({ plan: { status: 'idle' } });
      var ticket = ++planSequence;
      store.set({ plan: Object.assign({}, state.plan, { status: 'loading' }) });
      requestPlan(state.query, state.operationName).then(function (plan) {
        if (ticket === planSequence) store.set({ plan: plan });
      });
    }, 300);
  }

  var authority = { fields: {}, systems: {}, loaded: false };
  function loadAuthority() {
    return credentials()
      .then(function (headers) {
        return fetch(config.authorityEndpoint, { headers: Object.assign({ accept: 'application/json' }, headers) });
      })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (map) {
        if (!map) return;
        authority.loaded = true;
        (map.systems || []).forEach(function (system) {
          authority.systems[system.name] = system;
        });
        (map.fields || []).forEach(function (field) {
          authority.fields[field.type + '.' + field.field] = field;
        });
        store.set({ systems: authority.systems });
      })
      .catch(function () {
        /* the map is a nicety: the explorer works without it */
      });
  }
  var authorityLoaded = loadAuthority();

  /* ---------- field usage (the gateway's usage records, read for users) ---------- */

  var USAGE_WINDOW = '30d';
  var usage = { fields: {}, unused: {}, loaded: false };

  function fetchUsage(since, field) {
    var query = '?since=' + encodeURIComponent(since) + (field ? '&field=' + encodeURIComponent(field) : '');
    return credentials()
      .then(function (headers) {
        return fetch(config.usageEndpoint + query, { headers: Object.assign({ accept: 'application/json' }, headers) });
      })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) return body;
          var error = body && body.errors && body.errors[0];
          throw new Error(error ? error.message : 'HTTP ' + response.status);
        });
      });
  }

  /** Usage of the last 30 days by coordinate, read again with every schema fetch (the docs show it). */
  function loadUsage() {
    return fetchUsage(USAGE_WINDOW)
      .then(function (overview) {
        usage = { fields: {}, unused: {}, loaded: true };
        overview.fields.forEach(function (field) {
          usage.fields[field.coordinate] = field;
        });
        overview.unused.forEach(function (coordinate) {
          usage.unused[coordinate] = true;
        });
      })
      .catch(function () {
        usage = { fields: {}, unused: {}, loaded: false }; /* usage is a nicety, like the map */
      });
  }

  /**
   * Puts the owning system in every field description: the full sentence where the schema lacks
   * it, and the system's name after the first paragraph, which is all a type's page shows.
   */
  function annotateIntrospection(result) {
    var schema = result && result.data && result.data.__schema;
    if (!schema) return result;
    schema.types.forEach(function (type) {
      (type.fields || []).forEach(function (field) {
        var owner = authority.fields[type.name + '.' + field.name];
        if (!owner || owner.shared) return;
        var description = field.description || '';
        if (description.indexOf('Authoritative source') === -1) description = (description ? description + '\n\n' : '') + owner.note;
        var paragraphs = description.split('\n\n');
        var label = (authority.systems[owner.system] && authority.systems[owner.system].label) || owner.system;
        if (paragraphs.length > 1) paragraphs[0] = paragraphs[0] + ' — ' + label;
        field.description = paragraphs.join('\n\n');
      });
      if (usage.loaded)
        (type.fields || []).forEach(function (field) {
          annotateUsage(type.name, field);
        });
    });
    return result;
  }

  /** Markdown that shows a client's or an operation's name as written. */
  function md(text) {
    return String(text).replace(/[\\`*_{}\[\]()#+\-.!|<>~]/g, '\\$&');
  }

  function day(iso) {
    return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  }

  function clientName(client) {
    return client.name + (client.version ? ' ' + client.version : '');
  }

  /**
   * A "Usage (30 days)" section at the end of a field's description (the field's page shows it,
   * a type's page only the first paragraph); for a deprecated field, who still selects it.
   */
  function annotateUsage(typeName, field) {
    var coordinate = typeName + '.' + field.name;
    var use = usage.fields[coordinate];
    if (!use && !usage.unused[coordinate]) return;
    var lines = ['**Usage (30 days)**'];
    if (!use) lines.push('Not selected by any client in the last 30 days.');
    else {
      lines.push(
        use.count +
          ' selection' +
          (use.count === 1 ? '' : 's') +
          ', ' +
          use.errorCount +
          ' with errors, last seen ' +
          day(use.lastSeen) +
          '.',
      );
      lines.push(
        'Clients (' +
          use.clientCount +
          '):\n\n' +
          use.clients
            .map(function (c) {
              return '- ' + md(clientName(c)) + ': ' + c.count + ', last seen ' + day(c.lastSeen);
            })
            .join('\n') +
          (use.clientCount > use.clients.length ? '\n- and ' + (use.clientCount - use.clients.length) + ' more' : ''),
      );
      lines.push(
        'Operations (' +
          use.operationCount +
          '):\n\n' +
          use.operations
            .map(function (o) {
              return '- ' + (o.name ? md(o.name) : '(anonymous)') + ': ' + o.count;
            })
            .join('\n') +
          (use.operationCount > use.operations.length ? '\n- and ' + (use.operationCount - use.operations.length) + ' more' : ''),
      );
      var args = Object.keys(usage.fields).filter(function (c) {
        return c.indexOf(coordinate + '(') === 0;
      });
      if (args.length)
        lines.push(
          'Arguments: ' +
            args
              .map(function (c) {
                return md(c.slice(coordinate.length + 1, -2)) + ' (' + usage.fields[c].count + ')';
              })
              .join(', '),
        );
    }
    if (field.isDeprecated && use) {
      var users = use.clients.map(clientName).join(', ');
      lines.push('**Deprecated, still used by** ' + md(users) + '.');
      field.deprecationReason =
        (field.deprecationReason || 'Deprecated.') + ' Still used by ' + users + ' (last ' + day(use.lastSeen) + ').';
    }
    var description = field.description || '';
    // Without a description, the first paragraph stays short: it is what a type's page lists.
    field.description = (description ? description : 'No description.') + '\n\n' + lines.join('\n\n');
  }

  // The operations a document holds, each with its kind and name (null when anonymous).
  function operationsOf(query) {
    var text = String(query || '').replace(/#[^\n]*/g, '');
    var found = [];
    var pattern = /(^|[}\s])(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/g;
    var match;
    while ((match = pattern.exec(text))) found.push({ kind: match[2], name: match[3] || null });
    return found;
  }

  // GraphiQL may still name the tab's previous operation after the document was replaced (an
  // anonymous one typed over a named one): a name the document does not hold is not sent.
  function knownOperationName(query, operationName) {
    if (!operationName) return operationName;
    return operationsOf(query).some(function (op) {
      return op.name === operationName;
    })
      ? operationName
      : null;
  }

  // The kind of the operation a request runs: the one named, else the document's only one.
  function operationKind(query, operationName) {
    var found = operationsOf(query);
    var named = found.filter(function (op) {
      return op.name === operationName;
    })[0];
    if (operationName && named) return named.kind;
    return found.length === 1 ? found[0].kind : 'query';
  }

  // Subscriptions run over GraphQL over SSE (distinct connections): the same POST with
  // "accept: text/event-stream", read as a stream of next/complete events. GraphiQL shows each
  // answer as it arrives.
  function subscribe(params) {
    var controller = new AbortController();
    var queue = [];
    var waiting = null;
    var finished = false;
    function push(item) {
      if (waiting) {
        var w = waiting;
        waiting = null;
        if (item.done) finished = true;
        w(item);
      } else queue.push(item);
    }
    credentials()
      .then(function (given) {
        var headers = Object.assign(
          { 'content-type': 'application/json', accept: 'text/event-stream', 'apollographql-client-name': 'plantgraph-explorer' },
          given,
        );
        return fetch(config.endpoint, { method: 'POST', headers: headers, body: JSON.stringify(params), signal: controller.signal });
      })
      .then(function (response) {
        if (!response.ok || !/text\/event-stream/.test(response.headers.get('content-type') || '')) {
          // The gateway's refusal is GraphQL JSON; a proxy's error page is shown by its status.
          return response.text().then(function (text) {
            var body;
            try {
              body = JSON.parse(text);
            } catch (err) {
              body = { errors: [{ message: 'HTTP ' + response.status + ': ' + text.slice(0, 200) }] };
            }
            push({ value: body, done: false });
            push({ done: true });
          });
        }
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = '';
        function read() {
          return reader.read().then(function (chunk) {
            if (chunk.done) {
              push({ done: true });
              return;
            }
            buffer += decoder.decode(chunk.value, { stream: true });
            var blocks = buffer.split('\n\n');
            buffer = blocks.pop();
            blocks.forEach(function (block) {
              var event = 'message';
              var data = '';
              block.split('\n').forEach(function (line) {
                if (line.indexOf('event:') === 0) event = line.slice(6).trim();
                else if (line.indexOf('data:') === 0) data += line.slice(5).trim();
              });
              if (event === 'next' && data) push({ value: JSON.parse(data), done: false });
              if (event === 'complete') push({ done: true });
            });
            return read();
          });
        }
        return read();
      })
      .catch(function (err) {
        if (!finished) {
          push({ value: { errors: [{ message: String((err && err.message) || err) }] }, done: false });
          push({ done: true });
        }
      });
    var iterator = {
      next: function () {
        if (queue.length) {
          var item = queue.shift();
          if (item.done) finished = true;
          return Promise.resolve(item);
        }
        if (finished) return Promise.resolve({ done: true });
        return new Promise(function (resolve) {
          waiting = resolve;
        });
      },
      // GraphiQL's stop: the stream is closed (the gateway then frees the subscription) and the
      // pending read ends, so nothing waits for an event that will not come.
      return: function () {
        finished = true;
        controller.abort();
        if (waiting) {
          var w = waiting;
          waiting = null;
          w({ done: true });
        }
        return Promise.resolve({ done: true });
      },
    };
    iterator[Symbol.asyncIterator] = function () {
      return iterator;
    };
    return iterator;
  }

  // The Sources panel follows a running subscription: since when, how many answers, the last one's
  // time and errors, and the systems each answer comes from (the plan of its selection).
  function followed(iterator, params) {
    var ticket = {};
    var operations = operationsOf(params.query);
    var name = params.operationName || (operations.length === 1 ? operations[0].name : null);
    store.set({
      answer: { status: 'live', ticket: ticket, operationName: name, at: new Date(), events: 0, errors: 0 },
    });
    function update(change) {
      var current = store.get().answer;
      if (current && current.ticket === ticket) store.set({ answer: Object.assign({}, current, change(current)) });
    }
    requestPlan(params.query, params.operationName).then(function (plan) {
      update(function () {
        return { plan: plan };
      });
    });
    var ended = function () {
      return { status: 'ended' };
    };
    var wrapped = {
      next: function () {
        return iterator.next().then(function (item) {
          if (item.done) update(ended);
          else
            update(function (current) {
              return { events: current.events + 1, lastAt: new Date(), errors: ((item.value && item.value.errors) || []).length };
            });
          return item;
        });
      },
      return: function () {
        update(ended);
        return iterator.return();
      },
    };
    wrapped[Symbol.asyncIterator] = function () {
      return wrapped;
    };
    return wrapped;
  }

  function fetcher(params, options) {
    params = Object.assign({}, params, { operationName: knownOperationName(params.query, params.operationName) });
    if (operationKind(params.query, params.operationName) === 'subscription') {
      editorHeaders = (options && options.headers) || {};
      return followed(subscribe(params), params);
    }
    var given = (options && options.headers) || {};
    var changed = JSON.stringify(given) !== JSON.stringify(editorHeaders);
    editorHeaders = given;
    if (changed) {
      // New credentials: what was refused before may be allowed now.
      if (!authority.loaded) authorityLoaded = loadAuthority();
      schedulePlan();
    }
    // The explorer names itself (Apollo's client convention): usage tells its queries from the applications'.
    var headers = { 'x-plantgraph-provenance': 'true', 'apollographql-client-name': 'plantgraph-explorer' };
    var isIntrospection = params.operationName === 'IntrospectionQuery';
    var usageLoaded = isIntrospection ? loadUsage() : null;
    var sent = isIntrospection ? null : { query: params.query, operationName: params.operationName || null, at: new Date() };
    if (sent) store.set({ answer: { status: 'running', operationName: sent.operationName, at: sent.at } });
    return postJson(config.endpoint, params, headers).then(
      function (result) {
        if (isIntrospection)
          return Promise.all([authorityLoaded, usageLoaded]).then(function () {
            return annotateIntrospection(result.body);
          });
        var body = result.body || {};
        var answer = {
          status: 'done',
          operationName: sent.operationName,
          at: sent.at,
          errors: (body.errors || []).length,
          provenance: body.extensions && body.extensions.provenance,
          plan: null,
        };
        store.set({ answer: answer });
        requestPlan(sent.query, sent.operationName).then(function (plan) {
          if (store.get().answer === answer) store.set({ answer: Object.assign({}, answer, { plan: plan }) });
        });
        return body;
      },
      function (err) {
        if (sent)
          store.set({
            answer: { status: 'failed', operationName: sent.operationName, at: sent.at, message: String((err && err.message) || err) },
          });
        throw err;
      },
    );
  }

  /* ---------- rendering helpers ---------- */

  function systemLabel(name) {
    var system = store.get().systems[name];
    return system ? system.label : name;
  }

  function systemKind(name) {
    var system = store.get().systems[name];
    return system && system.kind;
  }

  function SystemChip(props) {
    var kind = systemKind(props.name);
    return h(
      'span',
      {
        className: 'pg-chip pg-chip-' + (kind || 'other'),
        title: kind === 'record' ? 'system of record' : kind === 'engagement' ? 'system of engagement' : '',
        'data-system': props.name,
      },
      systemLabel(props.name),
    );
  }

  function stagesOf(plan) {
    var stages = [];
    plan.fetches.forEach(function (fetch) {
      var stage = stages[fetch.stage - 1] || (stages[fetch.stage - 1] = []);
      stage.push(fetch);
    });
    return stages.filter(Boolean);
  }

  /** Systems by stage, each named at its first stage only: ERP → MES + CRM. */
  function stageGroups(plan) {
    var seen = {};
    return stagesOf(plan)
      .map(function (stage) {
        return stage
          .map(function (fetch) {
            return fetch.system;
          })
          .filter(function (name) {
            if (seen[name]) return false;
            seen[name] = true;
            return true;
          });
      })
      .filter(function (group) {
        return group.length;
      });
  }

  function describeFetch(fetch) {
    if (!fetch.path) return 'root fields';
    var what = fetch.entityTypes.length ? fetch.entityTypes.join(', ') : 'entities';
    return what + ' at ' + fetch.path.replace(/\.@/g, '[]');
  }

  function PlanView(props) {
    var plan = props.plan;
    if (!plan.fetches.length) return h('p', { className: 'pg-muted' }, 'No subgraph is called: the gateway answers this alone.');
    return h(
      'div',
      null,
      h(
        'ol',
        { className: 'pg-stages', 'data-testid': 'plan-stages' },
        stagesOf(plan).map(function (stage, i) {
          return h(
            'li',
            { key: i },
            h('span', { className: 'pg-stage-label' }, stage.length > 1 ? 'in parallel' : ''),
            stage.map(function (fetch, j) {
              return h(
                'div',
                { key: j, className: 'pg-fetch' },
                h(SystemChip, { name: fetch.system }),
                h('span', { className: 'pg-fetch-what' }, describeFetch(fetch)),
                h('details', null, h('summary', null, 'operation sent'), h('pre', null, fetch.operation)),
              );
            }),
          );
        }),
      ),
      h('details', { className: 'pg-plan-text' }, h('summary', null, 'query plan'), h('pre', null, plan.text)),
    );
  }

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }

  /**
   * The gateway's `extensions.provenance`: per system, the response paths it answered, the
   * fields it only fed to other systems, its fetches and their time. Other shapes show as JSON.
   */
  function ProvenanceView(props) {
    var provenance = props.provenance;
    var systems = provenance && typeof provenance === 'object' && !Array.isArray(provenance) ? Object.keys(provenance) : [];
    var readable =
      systems.length &&
      systems.every(function (name) {
        var entry = provenance[name];
        return entry && typeof entry === 'object' && Array.isArray(entry.paths);
      });
    if (!readable) return h('pre', { className: 'pg-json', 'data-testid': 'provenance' }, JSON.stringify(provenance, null, 2));
    return h(
      'table',
      { className: 'pg-provenance', 'data-testid': 'provenance' },
      h(
        'tbody',
        null,
        systems.map(function (name) {
          var entry = provenance[name];
          var inputs = entry.inputs || [];
          return h(
            'tr',
            { key: name },
            h('td', null, h(SystemChip, { name: name })),
            h(
              'td',
              null,
              h(
                'div',
                null,
                plural(entry.paths.length, 'field') +
                  ' in the answer' +
                  (inputs.length ? ', ' + plural(inputs.length, 'field') + ' passed on' : '') +
                  (typeof entry.fetches === 'number' ? ', ' + plural(entry.fetches, 'fetch').replace('fetchs', 'fetches') : '') +
                  (typeof entry.fetchMs === 'number' ? ', ' + entry.fetchMs.toFixed(1) + ' ms' : ''),
              ),
              h(
                'details',
                null,
                h('summary', null, 'paths'),
                h('pre', null, entry.paths.join('\n') + (inputs.length ? '\n\npassed on to other systems:\n' + inputs.join('\n') : '')),
              ),
            ),
          );
        }),
      ),
    );
  }

  function LiveAnswerView(props) {
    var answer = props.answer;
    var systems = answer.plan && answer.plan.status === 'ready' ? answer.plan.plan.systems : null;
    var live = answer.status === 'live';
    return h(
      'div',
      { 'data-testid': 'live-answer', 'data-state': answer.status, 'data-events': String(answer.events) },
      h(
        'p',
        null,
        h('strong', null, answer.operationName || 'Anonymous subscription'),
        (live ? ' live since ' : ' followed from ') + answer.at.toLocaleTimeString() + (live ? '' : ', now stopped') + ': ',
        plural(answer.events, 'answer'),
        answer.lastAt ? ', the last at ' + answer.lastAt.toLocaleTimeString() : '',
        answer.errors ? h('span', { className: 'pg-warn' }, ' — ' + plural(answer.errors, 'error') + ' in the last') : null,
      ),
      systems
        ? h(
            'p',
            null,
            'Each answered by ',
            systems.map(function (name, i) {
              return h(React.Fragment, { key: name }, i ? ', ' : '', h(SystemChip, { name: name }));
            }),
            ', read when the change happens.',
          )
        : null,
    );
  }

  function AnswerView(props) {
    var answer = props.answer;
    if (!answer) return h('p', { className: 'pg-muted' }, 'Run an operation to see where its answer came from.');
    if (answer.status === 'live' || answer.status === 'ended') return h(LiveAnswerView, { answer: answer });
    if (answer.status === 'running') return h('p', { className: 'pg-muted' }, 'Running ' + (answer.operationName || 'the operation') + '…');
    if (answer.status === 'failed') return h('p', { className: 'pg-warn' }, 'No answer from the gateway: ' + answer.message);
    var systems = answer.plan && answer.plan.status === 'ready' ? answer.plan.plan.systems : null;
    return h(
      'div',
      { 'data-testid': 'answer-sources' },
      h(
        'p',
        null,
        h('strong', null, answer.operationName || 'Anonymous operation'),
        ' at ' + answer.at.toLocaleTimeString(),
        answer.errors ? h('span', { className: 'pg-warn' }, ' — ' + answer.errors + ' error' + (answer.errors > 1 ? 's' : '')) : null,
      ),
      systems
        ? h(
            'p',
            null,
            'Answered by ',
            systems.map(function (name, i) {
              return h(React.Fragment, { key: name }, i ? ', ' : '', h(SystemChip, { name: name }));
            }),
            '.',
          )
        : null,
      answer.provenance
        ? h('div', null, h('h4', null, 'Provenance reported by the gateway'), h(ProvenanceView, { provenance: answer.provenance }))
        : h('p', { className: 'pg-muted' }, 'The response carried no provenance extension; the systems above come from the query plan.'),
    );
  }

  function SourcesPanel() {
    var state = useStore();
    var plan = state.plan;
    var body;
    if (plan.status === 'idle') body = h('p', { className: 'pg-muted' }, 'Write an operation to see its plan.');
    else if (plan.status === 'error') {
      body = h(
        'div',
        { className: 'pg-errors' },
        plan.errors.map(function (e, i) {
          return h('p', { key: i }, e.message);
        }),
      );
    } else if (!plan.plan) body = h('p', { className: 'pg-muted' }, 'Planning…');
    else {
      body = h(
        'div',
        null,
        h(
          'p',
          { 'data-testid': 'plan-systems' },
          'Touches ',
          stageGroups(plan.plan).map(function (group, i) {
            return h(
              React.Fragment,
              { key: i },
              i ? ' → ' : '',
              group.map(function (name, j) {
                return h(React.Fragment, { key: name }, j ? ' + ' : '', h(SystemChip, { name: name }));
              }),
            );
          }),
        ),
        h(PlanView, { plan: plan.plan }),
      );
    }
    return h(
      'div',
      { className: 'pg-panel', 'data-testid': 'sources-panel' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'Sources'),
      h(
        'p',
        { className: 'pg-muted' },
        'Each field comes from one authoritative system. ',
        h('a', { href: config.authorityPage, target: '_blank', rel: 'noopener', onClick: openAuthorityPage }, 'Authority map'),
      ),
      h('h3', null, 'This operation', state.operationName ? ' (' + state.operationName + ')' : ''),
      body,
      h('h3', null, 'Last answer'),
      h(AnswerView, { answer: state.answer }),
    );
  }

  var editorApi = GraphiQL.React && typeof GraphiQL.React.useEditorContext === 'function' ? GraphiQL.React.useEditorContext : null;

  function variablesText(operation) {
    return JSON.stringify(operation.variables || {}, null, 2);
  }

  function headersText() {
    return Object.keys(config.headers || {}).length ? JSON.stringify(config.headers, null, 2) : undefined;
  }

  function QuestionsPanel() {
    var editor = editorApi ? editorApi() : null;
    var open = function (operation) {
      if (!editor) return;
      var index = editor.tabs.findIndex(function (tab) {
        return (tab.query || '').trim() === operation.document.trim();
      });
      if (index >= 0) return editor.changeTab(index);
      editor.addTab();
      setTimeout(function () {
        editor.updateActiveTabValues({ query: operation.document, variables: variablesText(operation) });
        if (editor.queryEditor) editor.queryEditor.setValue(operation.document);
        if (editor.variableEditor) editor.variableEditor.setValue(variablesText(operation));
      }, 0);
    };
    return h(
      'div',
      { className: 'pg-panel', 'data-testid': 'questions-panel' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'Questions'),
      h('p', { className: 'pg-muted' }, 'The ten cross-system questions, with variables from the seed data.'),
      h(
        'ol',
        { className: 'pg-questions' },
        config.operations.map(function (operation) {
          return h(
            'li',
            { key: operation.id },
            h(
              'button',
              {
                type: 'button',
                className: 'pg-question',
                onClick: function () {
                  open(operation);
                },
                'data-question': operation.id,
              },
              h('span', { className: 'pg-question-id' }, operation.id),
              ' ' + operation.name,
              operation.partner
                ? h('span', { className: 'pg-tag', title: 'asked by a supplier through the partner contract' }, 'partner')
                : null,
            ),
          );
        }),
      ),
    );
  }

  var USAGE_ROWS = 300;

  /** Fields of the current schema by use over a window, unused ones included; deprecated fields still in use on top. */
  function UsagePanel() {
    var since = React.useState(USAGE_WINDOW);
    var order = React.useState('most');
    var filter = React.useState('');
    var reload = React.useState(0);
    var result = React.useState({ status: 'loading' });
    var setResult = result[1];
    React.useEffect(
      function () {
        var live = true;
        setResult({ status: 'loading' });
        fetchUsage(since[0]).then(
          function (overview) {
            if (live) setResult({ status: 'ready', overview: overview });
          },
          function (err) {
            if (live) setResult({ status: 'error', message: String((err && err.message) || err) });
          },
        );
        return function () {
          live = false;
        };
      },
      [since[0], reload[0]],
    );

    var body;
    if (result[0].status === 'loading') body = h('p', { className: 'pg-muted' }, 'Reading usage…');
    else if (result[0].status === 'error') body = h('p', { className: 'pg-warn' }, 'No usage: ' + result[0].message);
    else {
      var overview = result[0].overview;
      var rows = overview.fields
        .filter(function (f) {
          return f.coordinate.indexOf('(') === -1;
        })
        .concat(
          overview.unused.map(function (coordinate) {
            return { coordinate: coordinate, count: 0, errorCount: 0, clients: [], clientCount: 0 };
          }),
        );
      var needle = filter[0].trim().toLowerCase();
      if (needle)
        rows = rows.filter(function (f) {
          return f.coordinate.toLowerCase().indexOf(needle) !== -1;
        });
      rows.sort(function (a, b) {
        return (order[0] === 'most' ? b.count - a.count : a.count - b.count) || a.coordinate.localeCompare(b.coordinate);
      });
      var shown = rows.slice(0, USAGE_ROWS);
      body = h(
        'div',
        null,
        overview.deprecatedInUse.length
          ? h(
              'div',
              { 'data-testid': 'usage-deprecated' },
              h('h3', null, 'Deprecated, still used'),
              h(
                'ul',
                { className: 'pg-usage-deprecated' },
                overview.deprecatedInUse.map(function (d) {
                  return h(
                    'li',
                    { key: d.coordinate },
                    h('code', null, d.coordinate),
                    ' by ' + d.clients.join(', ') + ' (' + d.count + ', last ' + day(d.lastSeen) + ')',
                  );
                }),
              ),
            )
          : null,
        h(
          'p',
          { className: 'pg-muted' },
          overview.fields.length +
            ' fields and arguments used, ' +
            overview.unused.length +
            ' fields unused since ' +
            day(overview.since) +
            '.',
        ),
        h(
          'table',
          { className: 'pg-usage', 'data-testid': 'usage-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Field', 'Uses', 'Errors'].map(function (label) {
                return h('th', { key: label }, label);
              }),
            ),
          ),
          h(
            'tbody',
            null,
            shown.map(function (f) {
              var names = f.clients
                .map(function (c) {
                  return c.name;
                })
                .filter(function (n, i, all) {
                  return all.indexOf(n) === i;
                });
              return h(
                'tr',
                { key: f.coordinate, 'data-coordinate': f.coordinate, className: f.count ? '' : 'pg-usage-unused' },
                h(
                  'td',
                  null,
                  h('code', null, f.coordinate),
                  f.deprecated !== undefined ? h('span', { className: 'pg-tag', title: f.deprecated }, 'deprecated') : null,
                  h(
                    'div',
                    { className: 'pg-usage-who', title: f.clients.map(clientName).join(', ') },
                    f.clientCount
                      ? names.slice(0, 3).join(', ') +
                          (names.length > 3 || f.clientCount > f.clients.length ? ', …' : '') +
                          ' · last ' +
                          day(f.lastSeen)
                      : 'unused',
                  ),
                ),
                h('td', null, String(f.count)),
                h('td', null, f.errorCount ? String(f.errorCount) : ''),
              );
            }),
          ),
        ),
        rows.length > shown.length
          ? h('p', { className: 'pg-muted' }, rows.length - shown.length + ' more: narrow the list with the filter.')
          : null,
      );
    }
    return h(
      'div',
      { className: 'pg-panel', 'data-testid': 'usage-panel' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'Usage'),
      h('p', { className: 'pg-muted' }, "Which clients select each field, from the gateway's own records."),
      h(
        'div',
        { className: 'pg-usage-controls' },
        h(
          'label',
          null,
          'Window ',
          h(
            'select',
            {
              value: since[0],
              onChange: function (e) {
                since[1](e.target.value);
              },
              'data-testid': 'usage-window',
            },
            ['1d', '7d', '30d', '90d'].map(function (w) {
              return h('option', { key: w, value: w }, w);
            }),
          ),
        ),
        h(
          'label',
          null,
          'Order ',
          h(
            'select',
            {
              value: order[0],
              onChange: function (e) {
                order[1](e.target.value);
              },
              'data-testid': 'usage-order',
            },
            h('option', { value: 'most' }, 'most used first'),
            h('option', { value: 'least' }, 'least used first'),
          ),
        ),
        h('input', {
          type: 'search',
          placeholder: 'Filter fields',
          value: filter[0],
          onChange: function (e) {
            filter[1](e.target.value);
          },
          'data-testid': 'usage-filter',
        }),
        h(
          'button',
          {
            type: 'button',
            className: 'pg-sign-in-button',
            onClick: function () {
              reload[1](reload[0] + 1);
            },
          },
          'Refresh',
        ),
      ),
      body,
    );
  }

  function icon(path) {
    return function Icon() {
      return h(
        'svg',
        { viewBox: '0 0 24 24', width: 20, height: 20, fill: 'none', stroke: 'currentColor', strokeWidth: 1.6, 'aria-hidden': true },
        h('path', { d: path }),
      );
    };
  }

  var sourcesPlugin = {
    title: 'Sources',
    icon: icon('M4 6h6v4H4zM14 4h6v4h-6zM14 16h6v4h-6zM10 8h2v10h2M12 6h2'),
    content: SourcesPanel,
  };
  var usagePlugin = {
    title: 'Usage',
    icon: icon('M5 20V11M10 20V5M15 20v-7M20 20V9M3 20h18'),
    content: UsagePanel,
  };
  var questionsPlugin = {
    title: 'Questions',
    icon: icon('M5 5h14M5 10h14M5 15h9M5 20h6'),
    content: QuestionsPanel,
  };

  function onTabChange(tabsState) {
    var tab = tabsState.tabs[tabsState.activeTabIndex];
    if (!tab) return;
    var state = store.get();
    if (tab.query === state.query && (tab.operationName || null) === state.operationName) return;
    store.set({ query: tab.query || '', operationName: tab.operationName || null });
    schedulePlan();
  }

  function onEditQuery(value) {
    if (value === store.get().query) return;
    store.set({ query: value });
    schedulePlan();
  }

  function onEditOperationName(name) {
    if ((name || null) === store.get().operationName) return;
    store.set({ operationName: name || null });
    schedulePlan();
  }

  var defaultTabs = config.operations.map(function (operation) {
    return { query: operation.document, variables: variablesText(operation), headers: headersText() };
  });

  // GraphiQL fills the first editors from its props or its storage, not from defaultTabs: on a
  // first visit (nothing stored yet) the first question's variables are handed over as props.
  var firstVisit = !window.localStorage || window.localStorage.getItem('graphiql:tabState') === null;
  var firstProps =
    firstVisit && firstOperation ? { query: firstOperation.document, variables: variablesText(firstOperation) } : restoredTab();

  /**
   * On a return visit (after the sign-in redirect, say) GraphiQL fills the editors from values it
   * stores only some time after an edit; a page left sooner came back with the query but no
   * variables, in a new tab. The stored tabs are complete: the active one fills the editors.
   */
  function restoredTab() {
    try {
      var stored = JSON.parse(window.localStorage.getItem('graphiql:tabState') || 'null');
      var tab = stored && stored.tabs && stored.tabs[stored.activeTabIndex];
      return tab && typeof tab.query === 'string' ? { query: tab.query, variables: tab.variables || '' } : {};
    } catch (err) {
      return {};
    }
  }

  /** Sign in / the analyst's name and Sign out, beside the logo; a note when sign-in failed or is unavailable. */
  function SignInControl() {
    var status = React.useSyncExternalStore(
      signIn.subscribe ||
        function () {
          return function () {};
        },
      signIn.status ||
        function () {
          return { state: 'off' };
        },
    );
    if (status.state === 'off')
      return status.message ? h('span', { className: 'pg-sign-in pg-warn', 'data-testid': 'sign-in' }, status.message) : null;
    return h(
      'span',
      { className: 'pg-sign-in', 'data-testid': 'sign-in', 'data-state': status.state },
      status.message ? h('span', { className: 'pg-warn', 'data-testid': 'sign-in-message' }, status.message) : null,
      status.state === 'signed-in'
        ? h(
            React.Fragment,
            null,
            h('span', { className: 'pg-muted', 'data-testid': 'signed-in-as' }, status.subject),
            h(
              'button',
              {
                type: 'button',
                className: 'pg-sign-in-button',
                onClick: function () {
                  signIn.signOut();
                },
              },
              'Sign out',
            ),
          )
        : h(
            'button',
            {
              type: 'button',
              className: 'pg-sign-in-button',
              onClick: function () {
                signIn.signIn();
              },
            },
            'Sign in',
          ),
    );
  }

  function Explorer() {
    return h(
      GraphiQL,
      Object.assign(
        {
          fetcher: fetcher,
          defaultTabs: defaultTabs.length ? defaultTabs : undefined,
          defaultHeaders: headersText(),
          defaultEditorToolsVisibility: 'variables',
          plugins: [sourcesPlugin, questionsPlugin, usagePlugin],
          onTabChange: onTabChange,
          onEditQuery: onEditQuery,
          onEditOperationName: onEditOperationName,
        },
        firstProps,
      ),
      h(GraphiQL.Logo, null, h(SignInControl), h('span', { className: 'pg-logo' }, 'Plantgraph')),
    );
  }

  /** Opens the Sources panel once GraphiQL is on screen: its pane opens from the sidebar button only. */
  function openSourcesPanel(attempt) {
    var open = document.querySelector('[aria-label="Show Sources"]');
    if (document.querySelector('[data-testid=sources-panel]')) return;
    if (open) return open.click();
    if (attempt < 100)
      setTimeout(function () {
        openSourcesPanel(attempt + 1);
      }, 100);
  }

  ReactDOM.createRoot(document.getElementById('explorer')).render(h(Explorer));
  openSourcesPanel(0);
  schedulePlan();
})();
