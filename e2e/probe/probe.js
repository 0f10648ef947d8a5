// Runs the steps named in ?do=… against Latchkey at ?auth=…, from this page's own origin, and
// writes what the *script* could see into #result. The e2e test reads it, and separately watches
// what the server answered.
'use strict';

const params = new URLSearchParams(location.search);
const AUTH = params.get('auth');
let accessToken = null;

// What each step does; each returns what a script on this origin can observe.
const steps = {
  // the SPA's silent refresh, as-is: a "simple" request (no preflight), the cookie is the credential
  async refresh() {
    const response = await fetch(`${AUTH}/auth/refresh`, { method: 'POST', credentials: 'include' });
    const body = await response.json();
    accessToken = body.access_token || null;
    return { status: response.status, has_access_token: Boolean(body.access_token),
      has_refresh_token: 'refresh_token' in body, session_id: body.session_id };
  },
  // the same with a JSON body, which needs a CORS preflight first
  async 'refresh-json'() {
    const response = await fetch(`${AUTH}/auth/refresh`, { method: 'POST', credentials: 'include',
      headers: { 'Content-Type': 'application/json' }, body: '{}' });
    return { status: response.status };
  },
  // classic CSRF: a blind no-cors POST; the script never sees the answer, only the server's effect counts
  async 'logout-no-cors'() {
    const response = await fetch(`${AUTH}/auth/logout`, { method: 'POST', credentials: 'include', mode: 'no-cors' });
    return { type: response.type };
  },
  // a bearer call with the token from "refresh" (needs a preflight: Authorization is not a simple header)
  async me() {
    const response = await fetch(`${AUTH}/auth/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
    const body = await response.json();
    return { status: response.status, username: body.username, sid: body.sid };
  },
};

async function main() {
  const results = {};
  for (const name of (params.get('do') || '').split(',').filter(Boolean)) {
    try {
      results[name] = await steps[name]();
    } catch (e) {
      // a CORS refusal surfaces only as this: a TypeError with no status and no body
      results[name] = { failed: e.name, message: e.message };
    }
  }
  document.getElementById('result').textContent = JSON.stringify(results);
  document.body.dataset.done = 'true';
}

main();
