/*
 * The Plantgraph explorer in the browser: GraphiQL with the ten questions as saved tabs, a
 * "Sources" panel (which systems the current operation touches, in which order, and where the
 * last answer came from) and a "Questions" list. Plain browser JavaScript over the prebuilt
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
      get: function () { return state; },
      set: function (patch) {
        state = Object.assign({}, state, patch);
        listeners.forEach(function (listener) { listener(); });
      },
      subscribe: function (listener) {
        listeners.add(listener);
        return function () { listeners.delete(listener); };
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
  var signIn = window.plantgraphSignIn || { enabled: false, accessToken: function () { return Promise.resolve(null); } };

  function credentials() {
    return signIn.accessToken().then(function (token) {
      // An Authorization header typed in the editor (in any case) wins; two would be joined into one invalid value.
      var typed = Object.keys(editorHeaders).some(function (name) { return name.toLowerCase() === 'authorization'; });
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
      .then(function (headers) { return fetch(config.authorityPage, { headers: Object.assign({ accept: 'text/html' }, headers) }); })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        // A blob: document has no path of its own (and the page's policy forbids <base>): its
        // links to the gateway's paths are made absolute.
        var based = html.replace(/href="\//g, 'href="' + window.location.origin + '/');
        var url = URL.createObjectURL(new Blob([based], { type: 'text/html' }));
        if (tab) tab.location.href = url;
        else window.location.href = url;
      })
      .catch(function (err) { if (tab) tab.document.body.textContent = 'Could not load the authority map: ' + err.message; });
  }

  function postJson(url, body, extraHeaders) {
    return credentials().then(function (given) {
      var headers = Object.assign({ 'content-type': 'application/json', accept: 'application/json' }, given, extraHeaders || {});
      return fetch(url, { method: 'POST', headers: headers, body: JSON.stringify(body) });
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, body: json }; });
    });
  }

  function requestPlan(query, operationName) {
    return postJson(config.planEndpoint, { query: query, operationName: operationName || null }).then(function (result) {
      if (result.body && result.body.plan) return { status: 'ready', plan: result.body.plan };
      var errors = (result.body && result.body.errors) || [{ message: 'HTTP ' + result.status }];
      return { status: 'error', errors: errors };
    }, function (err) {
      return { status: 'error', errors: [{ message: String(err && err.message || err) }] };
    });
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
      .then(function (headers) { return fetch(config.authorityEndpoint, { headers: Object.assign({ accept: 'application/json' }, headers) }); })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (map) {
        if (!map) return;
        authority.loaded = true;
        (map.systems || []).forEach(function (system) { authority.systems[system.name] = system; });
        (map.fields || []).forEach(function (field) { authority.fields[field.type + '.' + field.field] = field; });
        store.set({ systems: authority.systems });
      })
      .catch(function () { /* the map is a nicety: the explorer works without it */ });
  }
  var authorityLoaded = loadAuthority();

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
    });
    return result;
  }

  function fetcher(params, options) {
    var given = (options && options.headers) || {};
    var changed = JSON.stringify(given) !== JSON.stringify(editorHeaders);
    editorHeaders = given;
    if (changed) {
      // New credentials: what was refused before may be allowed now.
      if (!authority.loaded) authorityLoaded = loadAuthority();
      schedulePlan();
    }
    var headers = { 'x-plantgraph-provenance': 'true' };
    var isIntrospection = params.operationName === 'IntrospectionQuery';
    var sent = isIntrospection ? null : { query: params.query, operationName: params.operationName || null, at: new Date() };
    if (sent) store.set({ answer: { status: 'running', operationName: sent.operationName, at: sent.at } });
    return postJson(config.endpoint, params, headers).then(function (result) {
      if (isIntrospection) return authorityLoaded.then(function () { return annotateIntrospection(result.body); });
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
    }, function (err) {
      if (sent) store.set({ answer: { status: 'failed', operationName: sent.operationName, at: sent.at, message: String(err && err.message || err) } });
      throw err;
    });
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
    return h('span', {
      className: 'pg-chip pg-chip-' + (kind || 'other'),
      title: kind === 'record' ? 'system of record' : kind === 'engagement' ? 'system of engagement' : '',
      'data-system': props.name,
    }, systemLabel(props.name));
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
    return stagesOf(plan).map(function (stage) {
      return stage.map(function (fetch) { return fetch.system; }).filter(function (name) {
        if (seen[name]) return false;
        seen[name] = true;
        return true;
      });
    }).filter(function (group) { return group.length; });
  }

  function describeFetch(fetch) {
    if (!fetch.path) return 'root fields';
    var what = fetch.entityTypes.length ? fetch.entityTypes.join(', ') : 'entities';
    return what + ' at ' + fetch.path.replace(/\.@/g, '[]');
  }

  function PlanView(props) {
    var plan = props.plan;
    if (!plan.fetches.length) return h('p', { className: 'pg-muted' }, 'No subgraph is called: the gateway answers this alone.');
    return h('div', null,
      h('ol', { className: 'pg-stages', 'data-testid': 'plan-stages' }, stagesOf(plan).map(function (stage, i) {
        return h('li', { key: i },
          h('span', { className: 'pg-stage-label' }, stage.length > 1 ? 'in parallel' : ''),
          stage.map(function (fetch, j) {
            return h('div', { key: j, className: 'pg-fetch' },
              h(SystemChip, { name: fetch.system }),
              h('span', { className: 'pg-fetch-what' }, describeFetch(fetch)),
              h('details', null, h('summary', null, 'operation sent'), h('pre', null, fetch.operation)));
          }));
      })),
      h('details', { className: 'pg-plan-text' }, h('summary', null, 'query plan'), h('pre', null, plan.text)));
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
    var readable = systems.length && systems.every(function (name) {
      var entry = provenance[name];
      return entry && typeof entry === 'object' && Array.isArray(entry.paths);
    });
    if (!readable) return h('pre', { className: 'pg-json', 'data-testid': 'provenance' }, JSON.stringify(provenance, null, 2));
    return h('table', { className: 'pg-provenance', 'data-testid': 'provenance' },
      h('tbody', null, systems.map(function (name) {
        var entry = provenance[name];
        var inputs = entry.inputs || [];
        return h('tr', { key: name },
          h('td', null, h(SystemChip, { name: name })),
          h('td', null,
            h('div', null, plural(entry.paths.length, 'field') + ' in the answer' +
              (inputs.length ? ', ' + plural(inputs.length, 'field') + ' passed on' : '') +
              (typeof entry.fetches === 'number' ? ', ' + plural(entry.fetches, 'fetch').replace('fetchs', 'fetches') : '') +
              (typeof entry.fetchMs === 'number' ? ', ' + entry.fetchMs.toFixed(1) + ' ms' : '')),
            h('details', null,
              h('summary', null, 'paths'),
              h('pre', null, entry.paths.join('\n') + (inputs.length ? '\n\npassed on to other systems:\n' + inputs.join('\n') : '')))));
      })));
  }

  function AnswerView(props) {
    var answer = props.answer;
    if (!answer) return h('p', { className: 'pg-muted' }, 'Run an operation to see where its answer came from.');
    if (answer.status === 'running') return h('p', { className: 'pg-muted' }, 'Running ' + (answer.operationName || 'the operation') + '…');
    if (answer.status === 'failed') return h('p', { className: 'pg-warn' }, 'No answer from the gateway: ' + answer.message);
    var systems = answer.plan && answer.plan.status === 'ready' ? answer.plan.plan.systems : null;
    return h('div', { 'data-testid': 'answer-sources' },
      h('p', null,
        h('strong', null, answer.operationName || 'Anonymous operation'),
        ' at ' + answer.at.toLocaleTimeString(),
        answer.errors ? h('span', { className: 'pg-warn' }, ' — ' + answer.errors + ' error' + (answer.errors > 1 ? 's' : '')) : null),
      systems
        ? h('p', null, 'Answered by ', systems.map(function (name, i) {
          return h(React.Fragment, { key: name }, i ? ', ' : '', h(SystemChip, { name: name }));
        }), '.')
        : null,
      answer.provenance
        ? h('div', null, h('h4', null, 'Provenance reported by the gateway'), h(ProvenanceView, { provenance: answer.provenance }))
        : h('p', { className: 'pg-muted' }, 'The response carried no provenance extension; the systems above come from the query plan.'));
  }

  function SourcesPanel() {
    var state = useStore();
    var plan = state.plan;
    var body;
    if (plan.status === 'idle') body = h('p', { className: 'pg-muted' }, 'Write an operation to see its plan.');
    else if (plan.status === 'error') {
      body = h('div', { className: 'pg-errors' }, plan.errors.map(function (e, i) { return h('p', { key: i }, e.message); }));
    } else if (!plan.plan) body = h('p', { className: 'pg-muted' }, 'Planning…');
    else {
      body = h('div', null,
        h('p', { 'data-testid': 'plan-systems' }, 'Touches ', stageGroups(plan.plan).map(function (group, i) {
          return h(React.Fragment, { key: i }, i ? ' → ' : '', group.map(function (name, j) {
            return h(React.Fragment, { key: name }, j ? ' + ' : '', h(SystemChip, { name: name }));
          }));
        })),
        h(PlanView, { plan: plan.plan }));
    }
    return h('div', { className: 'pg-panel', 'data-testid': 'sources-panel' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'Sources'),
      h('p', { className: 'pg-muted' }, 'Each field comes from one authoritative system. ', h('a', { href: config.authorityPage, target: '_blank', rel: 'noopener', onClick: openAuthorityPage }, 'Authority map')),
      h('h3', null, 'This operation', state.operationName ? ' (' + state.operationName + ')' : ''),
      body,
      h('h3', null, 'Last answer'),
      h(AnswerView, { answer: state.answer }));
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
      var index = editor.tabs.findIndex(function (tab) { return (tab.query || '').trim() === operation.document.trim(); });
      if (index >= 0) return editor.changeTab(index);
      editor.addTab();
      setTimeout(function () {
        editor.updateActiveTabValues({ query: operation.document, variables: variablesText(operation) });
        if (editor.queryEditor) editor.queryEditor.setValue(operation.document);
        if (editor.variableEditor) editor.variableEditor.setValue(variablesText(operation));
      }, 0);
    };
    return h('div', { className: 'pg-panel', 'data-testid': 'questions-panel' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'Questions'),
      h('p', { className: 'pg-muted' }, 'The ten cross-system questions, with variables from the seed data.'),
      h('ol', { className: 'pg-questions' }, config.operations.map(function (operation) {
        return h('li', { key: operation.id },
          h('button', { type: 'button', className: 'pg-question', onClick: function () { open(operation); }, 'data-question': operation.id },
            h('span', { className: 'pg-question-id' }, operation.id),
            ' ' + operation.name,
            operation.partner ? h('span', { className: 'pg-tag', title: 'asked by a supplier through the partner contract' }, 'partner') : null));
      })));
  }

  function icon(path) {
    return function Icon() {
      return h('svg', { viewBox: '0 0 24 24', width: 20, height: 20, fill: 'none', stroke: 'currentColor', strokeWidth: 1.6, 'aria-hidden': true },
        h('path', { d: path }));
    };
  }

  var sourcesPlugin = {
    title: 'Sources',
    icon: icon('M4 6h6v4H4zM14 4h6v4h-6zM14 16h6v4h-6zM10 8h2v10h2M12 6h2'),
    content: SourcesPanel,
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
  var firstProps = firstVisit && firstOperation ? { query: firstOperation.document, variables: variablesText(firstOperation) } : restoredTab();

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
    var status = React.useSyncExternalStore(signIn.subscribe || function () { return function () {}; }, signIn.status || function () { return { state: 'off' }; });
    if (status.state === 'off') return status.message ? h('span', { className: 'pg-sign-in pg-warn', 'data-testid': 'sign-in' }, status.message) : null;
    return h('span', { className: 'pg-sign-in', 'data-testid': 'sign-in', 'data-state': status.state },
      status.message ? h('span', { className: 'pg-warn', 'data-testid': 'sign-in-message' }, status.message) : null,
      status.state === 'signed-in'
        ? h(React.Fragment, null,
          h('span', { className: 'pg-muted', 'data-testid': 'signed-in-as' }, status.subject),
          h('button', { type: 'button', className: 'pg-sign-in-button', onClick: function () { signIn.signOut(); } }, 'Sign out'))
        : h('button', { type: 'button', className: 'pg-sign-in-button', onClick: function () { signIn.signIn(); } }, 'Sign in'));
  }

  function Explorer() {
    return h(GraphiQL, Object.assign({
      fetcher: fetcher,
      defaultTabs: defaultTabs.length ? defaultTabs : undefined,
      defaultHeaders: headersText(),
      defaultEditorToolsVisibility: 'variables',
      plugins: [sourcesPlugin, questionsPlugin],
      onTabChange: onTabChange,
      onEditQuery: onEditQuery,
      onEditOperationName: onEditOperationName,
    }, firstProps),
    h(GraphiQL.Logo, null, h(SignInControl), h('span', { className: 'pg-logo' }, 'Plantgraph')));
  }

  /** Opens the Sources panel once GraphiQL is on screen: its pane opens from the sidebar button only. */
  function openSourcesPanel(attempt) {
    var open = document.querySelector('[aria-label="Show Sources"]');
    if (document.querySelector('[data-testid=sources-panel]')) return;
    if (open) return open.click();
    if (attempt < 100) setTimeout(function () { openSourcesPanel(attempt + 1); }, 100);
  }

  ReactDOM.createRoot(document.getElementById('explorer')).render(h(Explorer));
  openSourcesPanel(0);
  schedulePlan();
})();
