/*
 * The explorer's sign-in with the plant's identity provider: OpenID Connect authorization code
 * flow with PKCE (oauth4webapi, served by the gateway). The tokens live in this module's memory
 * only; the PKCE verifier and state wait in sessionStorage during the redirect and are removed
 * as soon as the provider sends the analyst back. Exposes window.plantgraphSignIn for explorer.js.
 */
import * as oauth from './oauth4webapi.js';

var config = JSON.parse(document.getElementById('plantgraph-config').textContent);
var settings = config.signIn && !config.signIn.unavailable ? config.signIn : null;
var PENDING_KEY = 'plantgraph:sign-in';
// A token this close to its expiry is renewed before it is sent.
var RENEW_BEFORE_MS = 30000;

var session = null; // { accessToken, refreshToken, idToken, expiresAt, subject }
var status = { state: settings ? 'signed-out' : 'off', message: config.signIn && config.signIn.unavailable };
var listeners = new Set();

function setStatus(next) {
  status = next;
  listeners.forEach(function (listener) {
    listener();
  });
}

function redirectUri() {
  return window.location.origin + config.endpoint;
}

var server = settings && settings.server;
var client = settings && { client_id: settings.clientId };
var clientAuth = oauth.None();
// oauth4webapi refuses plain http; the gateway allows it only for a provider on this machine.
function requestOptions(extra) {
  var options = Object.assign({}, extra || {});
  if (settings && settings.loopbackHttp) options[oauth.allowInsecureRequests] = true;
  return options;
}
function resourceParameters() {
  return settings.resource ? { resource: settings.resource } : undefined;
}

function remember(result) {
  var claims = oauth.getValidatedIdTokenClaims(result);
  session = {
    accessToken: result.access_token,
    refreshToken: result.refresh_token || (session && session.refreshToken) || null,
    idToken: result.id_token || (session && session.idToken) || null,
    expiresAt: Date.now() + (typeof result.expires_in === 'number' ? result.expires_in : 300) * 1000,
    subject: (claims && (claims.name || claims.sub)) || (session && session.subject) || 'signed in',
  };
  setStatus({ state: 'signed-in', subject: session.subject });
}

function describe(err) {
  var text = (err && (err.error_description || err.message)) || String(err);
  if (err && err.cause && err.cause.error_description) text = err.cause.error_description;
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}

/** Sends the analyst to the provider's sign-in page, with a fresh PKCE verifier and state. */
async function signIn() {
  if (!settings) return;
  var verifier = oauth.generateRandomCodeVerifier();
  var state = oauth.generateRandomState();
  var challenge = await oauth.calculatePKCECodeChallenge(verifier);
  window.sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier: verifier, state: state }));
  var url = new URL(server.authorization_endpoint);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', settings.scope);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  if (settings.resource) url.searchParams.set('resource', settings.resource);
  // OpenID Connect grants offline_access (a refresh token) only with the analyst's consent asked for.
  if (settings.scope.split(' ').indexOf('offline_access') >= 0) url.searchParams.set('prompt', 'consent');
  window.location.assign(url.href);
}

/** Back from the provider: exchanges the code for tokens; the address bar loses the code either way. */
async function completeSignIn() {
  var current = new URL(window.location.href);
  var pending = window.sessionStorage.getItem(PENDING_KEY);
  window.sessionStorage.removeItem(PENDING_KEY);
  if (!current.searchParams.has('state') && !current.searchParams.has('code') && !current.searchParams.has('error')) return;
  window.history.replaceState(null, '', current.pathname);
  if (!pending)
    return setStatus({
      state: 'signed-out',
      message: 'The sign-in answer arrived without a sign-in started from this tab; sign in again.',
    });
  try {
    var expected = JSON.parse(pending);
    var parameters = oauth.validateAuthResponse(server, client, current, expected.state);
    var response = await oauth.authorizationCodeGrantRequest(
      server,
      client,
      clientAuth,
      parameters,
      redirectUri(),
      expected.verifier,
      requestOptions({ additionalParameters: resourceParameters() }),
    );
    remember(await oauth.processAuthorizationCodeResponse(server, client, response, { requireIdToken: true }));
  } catch (err) {
    session = null;
    setStatus({ state: 'signed-out', message: 'Sign-in failed: ' + describe(err) });
  }
}

/** Renews the access token with the refresh token; without one (or refused) the analyst signs in again. */
async function renew() {
  if (!session || !session.refreshToken) {
    session = null;
    return setStatus({ state: 'signed-out', message: 'Your session has expired; sign in again.' });
  }
  try {
    var response = await oauth.refreshTokenGrantRequest(
      server,
      client,
      clientAuth,
      session.refreshToken,
      requestOptions({ additionalParameters: resourceParameters() }),
    );
    remember(await oauth.processRefreshTokenResponse(server, client, response));
  } catch (err) {
    session = null;
    setStatus({ state: 'signed-out', message: 'Your session has expired (' + describe(err) + '); sign in again.' });
  }
}

var ready = settings ? completeSignIn() : Promise.resolve();
var renewing = null;

/** The access token to send now (renewed first when it is about to expire), or null when signed out. */
async function accessToken() {
  await ready;
  if (!session) return null;
  if (session.expiresAt - RENEW_BEFORE_MS <= Date.now()) {
    renewing =
      renewing ||
      renew().finally(function () {
        renewing = null;
      });
    await renewing;
  }
  return session ? session.accessToken : null;
}

/** Forgets the tokens; ends the provider's session too when it offers an end-session endpoint. */
function signOut() {
  var idToken = session && session.idToken;
  session = null;
  setStatus({ state: 'signed-out' });
  if (!server || !server.end_session_endpoint) return;
  var url = new URL(server.end_session_endpoint);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('post_logout_redirect_uri', redirectUri());
  if (idToken) url.searchParams.set('id_token_hint', idToken);
  window.location.assign(url.href);
}

window.plantgraphSignIn = {
  enabled: Boolean(settings),
  accessToken: accessToken,
  signIn: signIn,
  signOut: signOut,
  status: function () {
    return status;
  },
  subscribe: function (listener) {
    listeners.add(listener);
    return function () {
      listeners.delete(listener);
    };
  },
};
