// Starting and probing the packaged Latchkey service: the environment every bench script gives it,
// and a one-shot GET on a new connection (the start-to-ready probe). Shared by bench.mjs and
// keycloak.mjs.

import http from 'node:http';

/** The service's settings for a bench run: its port, database, Redis database, key and issuer. */
export function latchkeyEnv({ port, jdbcUrl, dbUser, redisUrl, key, origin }) {
  return {
    QUARKUS_HTTP_PORT: String(port),
    QUARKUS_DATASOURCE_JDBC_URL: jdbcUrl,
    QUARKUS_DATASOURCE_USERNAME: dbUser,
    QUARKUS_REDIS_HOSTS: redisUrl,
    LATCHKEY_SIGNING_KEY_LOCATION: key,
    LATCHKEY_ISSUER: origin,
    QUARKUS_HTTP_HOST: '127.0.0.1',
    // every virtual user comes from 127.0.0.1: the per-address limits (20 registrations, 100
    // failed logins per 15 minutes) would otherwise stop the setup; per-username limits stay
    LATCHKEY_REGISTRATION_MAX_PER_ADDRESS: '1000000',
    LATCHKEY_LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000',
  };
}

/** GET http://127.0.0.1:port/path on a new connection; resolves to the status, 0 on any failure. */
export function getOnce(port, path) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}
