// Interoperability proof: Latchkey's OAuth 2.0 endpoints and access tokens, driven only through
// well-known client libraries nobody on this project wrote:
//
//   openid-client (v6, on oauth4webapi)  discovery, password / refresh / client-credentials grants,
//                                        revocation (RFC 7009), introspection (RFC 7662)
//   jose                                 access-token verification through createRemoteJWKSet on the
//                                        discovery document's jwks_uri
//
// interop/run.sh starts the service and runs this; alone, against a running service started with
// LATCHKEY_REFRESH_GRACE=1s and the two confidential clients "reports" (client_credentials,
// scopes "reports:read reports:write") and "gateway" (introspection and revocation only):
//
//   cd interop && LK_INTEROP_ISSUER=http://localhost:18280 LK_INTEROP_GRACE_SECONDS=1 \
//     LK_INTEROP_REPORTS_SECRET=... LK_INTEROP_GATEWAY_SECRET=... node --test interop.test.mjs
//
// Plain fetch is used only where no OAuth operation exists (registering the test user) and to
// look at what the libraries put on the wire; every OAuth exchange goes through the library.

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import * as jose from 'jose';
import { createServer } from 'node:http';

import * as client from 'openid-client';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

const ISSUER = process.env.LK_INTEROP_ISSUER ?? 'http://localhost:18280';
const GRACE_SECONDS = Number(process.env.LK_INTEROP_GRACE_SECONDS ?? 1);
const AUDIENCE = 'latchkey';
const PUBLIC_CLIENT = 'web';
const REPORTS = { id: 'reports', secret: required('LK_INTEROP_REPORTS_SECRET') };
const GATEWAY = { id: 'gateway', secret: required('LK_INTEROP_GATEWAY_SECRET') };
const WEBHOOK_PORT = Number(process.env.LK_INTEROP_WEBHOOK_PORT ?? 18281);
const WEBHOOK_SECRET = required('LK_INTEROP_WEBHOOK_SECRET');
const TIMEOUT = 60_000; // generous: a shared 2-core machine, and argon2id on every password grant

// unique per run: the database is kept between runs
const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const username = `interop-${run}`;
const password = `interop passphrase ${run}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set (interop/run.sh sets it)`);
  }
  return value;
}

// ---- what the libraries send --------------------------------------------------------------

/** Every request a configuration's library makes: url, method, headers, form body. */
function recordRequests(config) {
  const sent = [];
  config[client.customFetch] = (url, options) => {
    sent.push({
      url: String(url),
      method: options.method,
      headers: new Headers(options.headers),
      form: options.body === undefined ? null : new URLSearchParams(options.body),
    });
    return fetch(url, options);
  };
  return sent;
}

const discoveryOptions = { execute: [client.allowInsecureRequests] }; // the test service is http://localhost

/** A configuration for one client, through the library's discovery (OpenID Connect Discovery 1.0). */
function discover(clientId, metadata, authentication) {
  return client.discovery(new URL(ISSUER), clientId, metadata, authentication, discoveryOptions);
}

/** Asserts `promise` rejects with the library's ResponseBodyError carrying this OAuth error and status. */
async function rejectsWithOAuthError(promise, error, status) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof client.ResponseBodyError, `expected a ResponseBodyError, got ${e?.name}: ${e?.message}`);
    assert.equal(e.error, error);
    assert.equal(e.status, status);
    assert.equal(typeof e.error_description, 'string');
    return true;
  });
}

// ---- shared state, in test order ------------------------------------------------------------

let userId;
let web; // openid-client Configuration: public client "web", token_endpoint_auth_method none
let webRequests;
let reports; // confidential, client_secret_basic, client_credentials
let reportsRequests;
let gateway; // confidential, client_secret_basic, introspection and revocation only
let metadata; // the discovered server metadata
let jwks; // jose's remote JWK Set on the discovered jwks_uri
let login; // the password grant's token response

/** jose verification of a Latchkey access token, exactly as a resource server would do it. */
function verifyAccessToken(token, overrides = {}) {
  return jose.jwtVerify(token, jwks, {
    issuer: metadata.issuer,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    typ: 'at+jwt',
    ...overrides,
  });
}

/** A fresh session for the test user, through the library's password grant. */
function passwordGrant() {
  return client.genericGrantRequest(web, 'password', { username, password });
}

// The application's webhook receiver: every delivery as it came (raw body and headers), verified
// only later, by the Standard Webhooks library, never by our code. Listening before the first
// event (the registration in before()) can be written.
const deliveries = [];
const receiver = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
    response.writeHead(204).end();
  });
});
await new Promise((resolve) => receiver.listen(WEBHOOK_PORT, '127.0.0.1', resolve));

/** Waits for a delivered event of this type for the test user; returns it verified, parsed. */
async function event(type, count = 1) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const verified = deliveries
      .map((d) => ({ ...d, event: new Webhook(WEBHOOK_SECRET).verify(d.body, d.headers) }))
      .filter((d) => d.event.type === type && d.event.data.user_id === userId);
    if (verified.length >= count) {
      return verified[count - 1];
    }
    assert.ok(Date.now() < deadline, `no ${type} event within 30 s (${deliveries.length} deliveries)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Latchkey with openid-client and jose', { timeout: 10 * TIMEOUT }, () => {
  after(() => receiver.close());

  before(async () => {
    // registration is Latchkey's own API, not OAuth: plain fetch
    const response = await fetch(`${ISSUER}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    assert.equal(response.status, 201, `registration: ${response.status} ${await response.clone().text()}`);
    userId = (await response.json()).id;
    assert.match(userId, UUID);
  });

  it('1. discovery: openid-client discovers the server, and the issuer matches', { timeout: TIMEOUT }, async () => {
    web = await discover(PUBLIC_CLIENT, { token_endpoint_auth_method: 'none' }, client.None());
    webRequests = recordRequests(web);
    metadata = web.serverMetadata();

    // the library already compared the issuer with the URL it was given; the exact string too
    assert.equal(metadata.issuer, ISSUER);
    assert.equal(metadata.jwks_uri, `${ISSUER}/.well-known/jwks.json`);
    assert.equal(metadata.token_endpoint, `${ISSUER}/oauth2/token`);
    assert.equal(metadata.revocation_endpoint, `${ISSUER}/oauth2/revoke`);
    assert.equal(metadata.introspection_endpoint, `${ISSUER}/oauth2/introspect`);
    for (const grant of ['password', 'refresh_token', 'client_credentials']) {
      assert.ok(metadata.grant_types_supported.includes(grant), `grant_types_supported has ${grant}`);
    }
    assert.ok(metadata.token_endpoint_auth_methods_supported.includes('none'));
    assert.ok(metadata.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
    assert.ok(metadata.introspection_endpoint_auth_methods_supported.includes('client_secret_basic'));
    assert.ok(metadata.scopes_supported.includes('reports:read'));

    // RFC 8414 (/.well-known/oauth-authorization-server) gives the library the same metadata
    const oauth2 = await client.discovery(new URL(ISSUER), PUBLIC_CLIENT, undefined, client.None(),
      { ...discoveryOptions, algorithm: 'oauth2' });
    assert.deepEqual(oauth2.serverMetadata(), metadata);

    // the library's issuer check is real: the same document found under another name is refused
    const elsewhere = ISSUER.replace('//localhost', '//127.0.0.1');
    assert.notEqual(elsewhere, ISSUER, 'the test issuer is expected to be http://localhost:<port>');
    await assert.rejects(
      client.discovery(new URL(elsewhere), PUBLIC_CLIENT, undefined, client.None(), discoveryOptions),
      (e) => e instanceof client.ClientError && e.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
    );

    reports = await discover(REPORTS.id, undefined, client.ClientSecretBasic(REPORTS.secret));
    reportsRequests = recordRequests(reports);
    gateway = await discover(GATEWAY.id, undefined, client.ClientSecretBasic(GATEWAY.secret));
    jwks = jose.createRemoteJWKSet(new URL(metadata.jwks_uri));
  });

  it('2. password grant: openid-client, public client "web", auth method none', { timeout: TIMEOUT }, async () => {
    webRequests.length = 0;
    login = await passwordGrant();

    assert.equal(typeof login.access_token, 'string');
    assert.equal(login.token_type, 'bearer'); // the library lower-cases it
    assert.equal(login.expires_in, 900);
    // expiresIn() counts down from when the library received the response: 899 once a second
    // boundary has passed since then
    const remaining = login.expiresIn();
    assert.ok(remaining === 900 || remaining === 899, `expiresIn() = ${remaining}`);
    assert.equal(typeof login.refresh_token, 'string');
    assert.match(login.refresh_token, /^[A-Za-z0-9_-]{43,}$/); // ≥ 256 bits, URL-safe base64
    assert.match(login.session_id, UUID);

    // on the wire: client_id in the form, no client secret, no Authorization header
    assert.equal(webRequests.length, 1);
    const [request] = webRequests;
    assert.equal(request.url, metadata.token_endpoint);
    assert.equal(request.form.get('grant_type'), 'password');
    assert.equal(request.form.get('client_id'), PUBLIC_CLIENT);
    assert.equal(request.form.get('client_secret'), null);
    assert.equal(request.headers.get('authorization'), null);

    // a wrong password is invalid_grant, 400 at the token endpoint (RFC 6749 §5.2)
    await rejectsWithOAuthError(
      client.genericGrantRequest(web, 'password', { username, password: `${password} but wrong` }),
      'invalid_grant', 400);
  });

  it('3. jose verifies the access token through createRemoteJWKSet(jwks_uri)', { timeout: TIMEOUT }, async () => {
    const { payload, protectedHeader } = await verifyAccessToken(login.access_token);

    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(payload.iss, ISSUER);
    assert.equal(payload.aud, AUDIENCE);
    assert.equal(payload.sub, userId);
    assert.equal(payload.upn, username);
    assert.equal(payload.preferred_username, username);
    assert.ok(Array.isArray(payload.groups), 'groups is an array');
    assert.equal(payload.sid, login.session_id);
    assert.equal(payload.client_id, PUBLIC_CLIENT, 'RFC 9068 §2.2: the client the token was issued to');
    assert.match(payload.jti, UUID);
    assert.equal(payload.exp - payload.iat, 900);
    assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 120, 'iat is now');

    // the kid is the key's RFC 7638 thumbprint, as jose computes it from the published JWK
    const published = await (await fetch(metadata.jwks_uri)).json();
    const jwk = published.keys.find((k) => k.kid === protectedHeader.kid);
    assert.ok(jwk, 'the token\'s kid is in the JWK Set');
    assert.equal(await jose.calculateJwkThumbprint(jwk, 'sha256'), protectedHeader.kid);

    // a tampered token: another subject in the payload, the original signature
    const [header, body, signature] = login.access_token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: randomUUID() })).toString('base64url');
    await assert.rejects(verifyAccessToken(`${header}.${forged}.${signature}`), jose.errors.JWSSignatureVerificationFailed);

    // a resource server expecting another audience refuses it
    await assert.rejects(verifyAccessToken(login.access_token, { audience: 'some-other-api' }), (e) => {
      assert.ok(e instanceof jose.errors.JWTClaimValidationFailed, `${e?.name}: ${e?.message}`);
      assert.equal(e.claim, 'aud');
      return true;
    });
    // and one expecting another issuer too
    await assert.rejects(verifyAccessToken(login.access_token, { issuer: 'https://issuer.example' }), (e) => {
      assert.ok(e instanceof jose.errors.JWTClaimValidationFailed, `${e?.name}: ${e?.message}`);
      assert.equal(e.claim, 'iss');
      return true;
    });
  });

  it('4. refresh grant: rotation, and the old refresh token fails after the grace window', { timeout: TIMEOUT }, async () => {
    const first = await passwordGrant(); // its own session: the reuse below revokes it

    webRequests.length = 0;
    const second = await client.refreshTokenGrant(web, first.refresh_token);
    assert.equal(webRequests.length, 1);
    assert.equal(webRequests[0].form.get('grant_type'), 'refresh_token');
    assert.equal(webRequests[0].form.get('client_id'), PUBLIC_CLIENT);
    assert.equal(webRequests[0].headers.get('authorization'), null);

    assert.equal(typeof second.refresh_token, 'string');
    assert.notEqual(second.refresh_token, first.refresh_token, 'a new refresh token');
    assert.notEqual(second.access_token, first.access_token, 'a new access token');
    assert.equal(second.session_id, first.session_id, 'the same session');

    const third = await client.refreshTokenGrant(web, second.refresh_token);
    assert.notEqual(third.refresh_token, second.refresh_token, 'a new refresh token every time');
    assert.notEqual(third.refresh_token, first.refresh_token);

    for (const tokens of [second, third]) {
      const { payload } = await verifyAccessToken(tokens.access_token);
      assert.equal(payload.sub, userId);
      assert.equal(payload.sid, first.session_id);
    }

    // The second refresh token was rotated and its successor (the third) is still current: within
    // the grace window (LATCHKEY_REFRESH_GRACE) presenting it again would be a retry that gets the
    // third again. Past the window it is reuse, refused with invalid_grant.
    await new Promise((resolve) => setTimeout(resolve, GRACE_SECONDS * 1000 + 1000));
    await rejectsWithOAuthError(client.refreshTokenGrant(web, second.refresh_token), 'invalid_grant', 400);
    // reuse detection revoked the whole session: the latest refresh token is dead as well
    await rejectsWithOAuthError(client.refreshTokenGrant(web, third.refresh_token), 'invalid_grant', 400);
    const latest = await client.tokenIntrospection(gateway, third.access_token);
    assert.equal(latest.active, false, 'an access token of the revoked session');
  });

  it('5. client-credentials grant: client_secret_basic, scope, jose verifies the token', { timeout: TIMEOUT }, async () => {
    reportsRequests.length = 0;
    const tokens = await client.clientCredentialsGrant(reports, { scope: 'reports:read' });

    // on the wire: HTTP Basic with the client's credentials, nothing secret in the form. The
    // library form-urlencodes id and secret before base64 (RFC 6749 §2.3.1; "-" becomes "%2D"),
    // so the service must decode them: run.sh's secrets contain a "-" to prove that it does.
    assert.equal(reportsRequests.length, 1);
    const [request] = reportsRequests;
    assert.equal(request.form.get('grant_type'), 'client_credentials');
    assert.equal(request.form.get('scope'), 'reports:read');
    assert.equal(request.form.get('client_id'), null);
    assert.equal(request.form.get('client_secret'), null);
    const basic = /^Basic (.+)$/.exec(request.headers.get('authorization'));
    assert.ok(basic, 'an Authorization: Basic header');
    const [id, secret] = Buffer.from(basic[1], 'base64').toString().split(':')
      .map((part) => new URLSearchParams(`v=${part}`).get('v')); // form-urldecoding
    assert.equal(id, REPORTS.id);
    assert.equal(secret, REPORTS.secret);

    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.expires_in, 900);
    assert.equal(tokens.scope, 'reports:read', 'only the requested scope of the client\'s two');
    assert.equal(tokens.refresh_token, undefined, 'no refresh token for a client');

    const { payload, protectedHeader } = await verifyAccessToken(tokens.access_token);
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(payload.sub, REPORTS.id);
    assert.equal(payload.client_id, REPORTS.id);
    assert.equal(payload.scope, 'reports:read');
    assert.equal(payload.aud, AUDIENCE);
    assert.equal(payload.sid, undefined, 'no session');

    // introspection agrees
    const seen = await client.tokenIntrospection(gateway, tokens.access_token);
    assert.equal(seen.active, true);
    assert.equal(seen.sub, REPORTS.id);
    assert.equal(seen.client_id, REPORTS.id);
    assert.equal(seen.scope, 'reports:read');

    // a scope the client was not given is invalid_scope (RFC 6749 §5.2)
    await rejectsWithOAuthError(client.clientCredentialsGrant(reports, { scope: 'reports:admin' }), 'invalid_scope', 400);
    // a client without the grant is unauthorized_client
    await rejectsWithOAuthError(client.clientCredentialsGrant(gateway), 'unauthorized_client', 400);
    // a wrong secret is 401 invalid_client with a Basic challenge, which the library surfaces as
    // a WWWAuthenticateChallengeError (it looks at the challenge before the body)
    const wrong = await discover(REPORTS.id, undefined, client.ClientSecretBasic(`${REPORTS.secret}x`));
    await assert.rejects(client.clientCredentialsGrant(wrong), (e) => {
      assert.ok(e instanceof client.WWWAuthenticateChallengeError, `${e?.name}: ${e?.message}`);
      assert.equal(e.status, 401);
      assert.equal(e.cause[0].scheme, 'basic');
      return true;
    });
  });

  it('6. revocation of an access and a refresh token; introspection says active: false', { timeout: TIMEOUT }, async () => {
    const revoked = await passwordGrant();
    const live = await passwordGrant(); // another session of the same user, untouched

    for (const token of [revoked.access_token, revoked.refresh_token, live.access_token, live.refresh_token]) {
      assert.equal((await client.tokenIntrospection(gateway, token)).active, true, 'active before revocation');
    }
    const seen = await client.tokenIntrospection(gateway, revoked.access_token);
    assert.equal(seen.sub, userId);
    assert.equal(seen.username, username);
    assert.equal(seen.client_id, PUBLIC_CLIENT);
    assert.equal(seen.sid, revoked.session_id);
    assert.equal(seen.token_type, 'Bearer');

    // the public client revokes its access token (RFC 7009, client_id in the form)
    webRequests.length = 0;
    assert.equal(await client.tokenRevocation(web, revoked.access_token, { token_type_hint: 'access_token' }), undefined);
    assert.equal(webRequests.length, 1);
    assert.equal(webRequests[0].url, metadata.revocation_endpoint);
    assert.equal(webRequests[0].form.get('token_type_hint'), 'access_token');
    assert.equal(webRequests[0].form.get('client_id'), PUBLIC_CLIENT);

    assert.deepEqual(await client.tokenIntrospection(gateway, revoked.access_token), { active: false });
    // the refresh token of that session is still good, and so is the other session
    assert.equal((await client.tokenIntrospection(gateway, revoked.refresh_token)).active, true);
    assert.equal((await client.tokenIntrospection(gateway, live.access_token)).active, true);

    // RFC 7009 §2.1: a confidential client may not revoke a token issued to the public client
    await rejectsWithOAuthError(client.tokenRevocation(gateway, revoked.refresh_token, { token_type_hint: 'refresh_token' }),
      'unauthorized_client', 400);
    assert.equal((await client.tokenIntrospection(gateway, revoked.refresh_token)).active, true, 'nothing was revoked');

    // the public client revokes the refresh token: the whole session ends
    await client.tokenRevocation(web, revoked.refresh_token, { token_type_hint: 'refresh_token' });
    assert.deepEqual(await client.tokenIntrospection(gateway, revoked.refresh_token), { active: false });
    await rejectsWithOAuthError(client.refreshTokenGrant(web, revoked.refresh_token), 'invalid_grant', 400);

    // the live session is untouched: introspection says active, and it still refreshes
    const liveAccess = await client.tokenIntrospection(gateway, live.access_token);
    assert.equal(liveAccess.active, true);
    assert.equal(liveAccess.sid, live.session_id);
    assert.equal((await client.tokenIntrospection(gateway, live.refresh_token)).active, true);
    const refreshed = await client.refreshTokenGrant(web, live.refresh_token);
    await verifyAccessToken(refreshed.access_token);

    // RFC 7009 §2.2: an unknown token is not an error; revoking twice neither
    await client.tokenRevocation(web, randomBytes(32).toString('base64url'));
    await client.tokenRevocation(web, revoked.access_token);
  });

  it('7. webhooks: standardwebhooks verifies the user.registered event, and refuses a tampered one', { timeout: TIMEOUT }, async () => {
    const registered = await event('user.registered');
    assert.deepEqual(registered.event.data, { user_id: userId, username });
    assert.match(registered.event.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    assert.match(registered.headers['webhook-signature'], /^v1,/);
    assert.equal(registered.headers['webhook-id'].length > 0, true);
    const tampered = registered.body.replace(username, `${username}x`);
    assert.throws(() => new Webhook(WEBHOOK_SECRET).verify(tampered, registered.headers), WebhookVerificationError);
    const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
    assert.throws(() => new Webhook(otherSecret).verify(registered.body, registered.headers), WebhookVerificationError);
    // the reuse detected in test 4 was reported, with where the reused token came from
    const reuse = await event('session.reuse_detected');
    assert.equal(reuse.event.data.sessions_revoked, 1);
    assert.equal(typeof reuse.event.data.ip, 'string');
  });

  it('8. self-service password reset: the token arrives by webhook, sets the password, and the change is reported', { timeout: TIMEOUT }, async () => {
    const ask = await fetch(`${ISSUER}/auth/password-reset/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: username.toUpperCase() }),
    });
    assert.equal(ask.status, 202);
    const unknown = await fetch(`${ISSUER}/auth/password-reset/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `nobody-${run}` }),
    });
    assert.equal(unknown.status, 202, 'the same answer for a user that does not exist');
    assert.equal(await unknown.text(), await ask.text());

    const requested = await event('user.password_reset_requested');
    assert.equal(requested.event.data.username, username);
    assert.ok(Date.parse(requested.event.data.expires_at) > Date.now());
    const newPassword = `reset passphrase ${run}`;
    const reset = await fetch(`${ISSUER}/auth/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reset_token: requested.event.data.reset_token, new_password: newPassword }),
    });
    assert.equal(reset.status, 204);
    const changed = await event('user.password_changed');
    assert.equal(changed.event.data.reason, 'reset');
    assert.equal(typeof changed.event.data.sessions_revoked, 'number');
    // the library's password grant works with the new password, not with the old one
    await rejectsWithOAuthError(passwordGrant(), 'invalid_grant', 400);
    const grant = await client.genericGrantRequest(web, 'password', { username, password: newPassword });
    await verifyAccessToken(grant.access_token);
  });
});
