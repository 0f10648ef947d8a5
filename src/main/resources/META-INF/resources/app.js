// Latchkey SPA demo: sign-in in cookie mode, the access token in memory only, silent refresh.
// Plain browser JavaScript, no build step, no library: every fetch below can be copied into an SPA.
'use strict';

// Where Latchkey is. Empty: this page is served by Latchkey itself (same origin). An SPA on another
// origin puts Latchkey's origin here (e.g. 'https://auth.example.com') and must be listed in
// LATCHKEY_ALLOWED_ORIGINS, or the browser hides every answer (CORS) and cookie mode answers 403.
const AUTH = '';

// The access token lives in this variable and nowhere else: not in localStorage, sessionStorage or
// a cookie, so a script injected later cannot read it back from storage. A reload forgets it; the
// HttpOnly refresh cookie, which no script can read, gets a new one (see restoreSession).
let accessToken = null;
let refreshTimer = null;
// The refresh in flight, if any. The timer and a 401 retry can want one at the same moment; they
// share it, because each refresh rotates the cookie and a second one would be wasted.
let refreshing = null;

// ---------------------------------------------------------------------------------------------
// The calls
// ---------------------------------------------------------------------------------------------

/** A failed call, in the contract's error shape: {"error","error_description"}. */
class LatchkeyError extends Error {
  constructor(status, body) {
    super(body.error_description || `HTTP ${status}`);
    this.status = status;
    this.error = body.error || 'server_error';
  }
}

/** The JSON body of a success (null for 204); a LatchkeyError for anything else. */
async function check(response) {
  if (response.ok) {
    return response.status === 204 ? null : response.json();
  }
  // Latchkey always answers errors in its shape; a proxy in between may not
  const body = await response.json().catch(() => ({}));
  throw new LatchkeyError(response.status, body);
}

async function signUp(username, password) {
  const response = await fetch(`${AUTH}/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return check(response);
}

async function signIn(username, password) {
  const response = await fetch(`${AUTH}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    // cross-origin, the browser keeps the Set-Cookie only with 'include'; same-origin it is harmless
    credentials: 'include',
    // cookie mode: the refresh token comes back only as the HttpOnly lk_refresh cookie, never in JSON
    body: JSON.stringify({ username, password, refresh_transport: 'cookie' }),
  });
  useTokens(await check(response));
}

/** Trades the lk_refresh cookie for a new access token (and a new cookie: it rotates). */
function refresh() {
  if (!refreshing) {
    // no body and no Content-Type: the cookie is the credential, and a "simple" request needs no preflight
    refreshing = fetch(`${AUTH}/auth/refresh`, { method: 'POST', credentials: 'include' })
      .then(check)
      .then(useTokens)
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

/** Keeps the new access token in memory and schedules the next silent refresh. */
function useTokens(tokens) {
  accessToken = tokens.access_token;
  // At 80% of the lifetime: late enough not to rotate for nothing, early enough that a slow network
  // never lets the token lapse. A sleeping laptop may still wake up too late; the 401 retry in api()
  // covers that.
  const refreshInMs = tokens.expires_in * 1000 * 0.8;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(silentRefresh, refreshInMs);
  showTokenTimes(tokens.expires_in * 1000, refreshInMs);
}

async function silentRefresh() {
  try {
    await refresh();
  } catch (e) {
    // A network blip or a 503 is not fatal: the token may still be valid, and the next call's 401
    // retry tries again. A 401 means the session is over (logged out elsewhere, expired, revoked).
    fail(e);
  }
}

/** Calls a protected API with the in-memory token; on a 401, refreshes once and retries once. */
async function api(path, options = {}) {
  const call = (token) => fetch(`${AUTH}${path}`, {
    ...options,
    // a bearer token, not a cookie: no credentials option is needed, and so no CSRF to worry about
    headers: { ...options.headers, Authorization: `Bearer ${token}` },
  });
  const sent = accessToken;
  let response = await call(sent);
  if (response.status === 401) {
    // another call may have refreshed meanwhile; only a token nobody replaced yet needs a refresh
    if (accessToken === sent) {
      await refresh(); // throws if the session is over, and then there is nothing to retry
    }
    response = await call(accessToken);
  }
  return check(response);
}

async function signOut() {
  try {
    const response = await fetch(`${AUTH}/auth/logout`, {
      method: 'POST',
      credentials: 'include', // the cookie says which session ends; the answer clears it
      // optional: the access token is denied at once too, instead of living until it expires
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    await check(response);
  } finally {
    forget(); // the user asked to be signed out: this tab is, whatever the server said
  }
}

async function signOutEverywhere() {
  await api('/auth/logout-all', { method: 'POST' });
  // Every session is dead now, this one included, but the browser still holds its cookie:
  // logout (idempotent) clears it. Failing here changes nothing that matters, so it is ignored.
  await fetch(`${AUTH}/auth/logout`, { method: 'POST', credentials: 'include' }).catch(() => {});
  forget();
}

function forget() {
  accessToken = null;
  clearTimeout(refreshTimer);
  refreshTimer = null;
}

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

/** The status line; kind is 'ok', 'busy' or 'error' (a data attribute, for CSS and tests). */
function setStatus(text, kind = 'ok') {
  $('status').textContent = text;
  $('status').dataset.state = kind;
}

/** Shows an error; a 401 at this point means the session is over, so the page signs out. */
function fail(e) {
  if (e instanceof LatchkeyError) {
    if (e.status === 401) {
      forget();
      showSignedOut();
    }
    setStatus(`${e.error}: ${e.message}`, 'error');
  } else {
    // fetch rejects only when no answer arrived at all (network down, or CORS hid it)
    setStatus(`network_error: ${e.message}`, 'error');
  }
}

function showSignedOut() {
  $('signed-in').hidden = true;
  $('signed-out').hidden = false;
  $('api-result').textContent = '(not called yet)';
  $('sessions').replaceChildren();
}

/** Who am I, and my sessions: two protected calls with the in-memory token. */
async function showAccount() {
  const [me, sessions] = await Promise.all([api('/auth/me'), api('/auth/sessions')]);
  $('me-username').textContent = me.username;
  $('me-id').textContent = me.id;
  $('me-roles').textContent = me.roles.join(', ');
  $('me-sid').textContent = me.sid;
  showSessions(sessions);
  $('signed-out').hidden = true;
  $('signed-in').hidden = false;
}

function showSessions(sessions) {
  // textContent only, never innerHTML: user agents and addresses come from other people's requests
  const items = sessions.map((session) => {
    const item = document.createElement('li');
    item.dataset.testid = 'session';
    item.dataset.sessionId = session.id;
    item.dataset.current = String(session.current);
    const title = document.createElement('strong');
    title.textContent = session.user_agent || 'Unknown browser';
    if (session.current) {
      const mark = document.createElement('em');
      mark.textContent = ' (this session)';
      title.append(mark);
    }
    const details = document.createElement('span');
    details.textContent = `${session.ip || 'unknown address'}, signed in ${session.created_at}, `
      + `last refreshed ${session.last_used_at}, ends ${session.expires_at}`;
    item.append(title, details);
    if (!session.current) {
      const end = document.createElement('button');
      end.type = 'button';
      end.dataset.testid = 'end-session';
      end.textContent = 'End session';
      end.setAttribute('aria-label', `End session ${session.id}`);
      end.addEventListener('click', () => run('Ending the session…', async () => {
        await api(`/auth/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE' });
        showSessions(await api('/auth/sessions'));
        return 'Session ended.';
      }));
      item.append(end);
    }
    return item;
  });
  $('sessions').replaceChildren(...items);
}

function showTokenTimes(expiresInMs, refreshInMs) {
  const at = (ms) => new Date(Date.now() + ms).toLocaleTimeString();
  $('token-info').textContent = `expires at ${at(expiresInMs)}; silent refresh at ${at(refreshInMs)}`;
}

/** Runs a user action with a busy message, then its success message or its error. */
async function run(busyText, action) {
  setStatus(busyText, 'busy');
  try {
    setStatus(await action(), 'ok');
  } catch (e) {
    fail(e);
  }
}

/** On load: the cookie (if any) restores the session, so a reload keeps the user signed in. */
async function restoreSession() {
  try {
    await refresh();
    await showAccount();
    setStatus('Session restored from the refresh cookie.');
  } catch (e) {
    showSignedOut();
    if (e instanceof LatchkeyError && (e.status === 400 || e.status === 401)) {
      // 400: no cookie at all; 401: it expired or was revoked. Neither is an error: signed out.
      setStatus('Signed out.');
    } else {
      fail(e);
    }
  }
}

/** Reads a form's fields and clears its password, so that it does not linger in the page. */
function takeCredentials(form) {
  const data = new FormData(form);
  form.elements.password.value = '';
  return [String(data.get('username')), String(data.get('password'))];
}

$('signup-form').addEventListener('submit', (event) => {
  event.preventDefault(); // no navigation: the CSP's form-action aside, this is a fetch, not a post-back
  const form = event.target;
  const [username, password] = takeCredentials(form);
  run('Creating the account…', async () => {
    const user = await signUp(username, password);
    form.reset();
    $('signin-username').value = user.username;
    $('signin-password').focus();
    return `Account ${user.username} created. Sign in below.`;
  });
});

$('signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const [username, password] = takeCredentials(event.target);
  run('Signing in…', async () => {
    await signIn(username, password);
    await showAccount();
    return 'Signed in.';
  });
});

$('call-api').addEventListener('click', () => run('Calling the API…', async () => {
  // Your SPA calls its own APIs this way; /auth/me stands in for one here.
  const body = await api('/auth/me');
  $('api-result').textContent = `GET /auth/me at ${new Date().toLocaleTimeString()}\n${JSON.stringify(body, null, 2)}`;
  return 'The protected API answered.';
}));

$('refresh-now').addEventListener('click', () => run('Refreshing…', async () => {
  await refresh();
  return 'Access token refreshed; the cookie rotated.';
}));

$('sign-out').addEventListener('click', () => run('Signing out…', async () => {
  try {
    await signOut();
  } finally {
    showSignedOut();
  }
  return 'Signed out.';
}));

$('sign-out-all').addEventListener('click', () => run('Signing out everywhere…', async () => {
  await signOutEverywhere();
  showSignedOut();
  return 'Signed out of every session.';
}));

restoreSession();
