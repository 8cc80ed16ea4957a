// The OpenID provider of the tests: oidc-provider (OpenID-certified), started by
// `./dev test` on localhost. Anyone signs in by typing an e-mail address, with
// groups if wished (the `groups` claim), and may tick "second factor", which the ID
// token then reports in `amr`; the subject is a hash of the address, not the
// address, so Tessera must link accounts by `sub`.
//
// Clients: tessera-a and tessera-b (two tenants' configurations) and tessera-tamper,
// whose ID tokens this peer alters after signing, as an attacker in the middle would.
// Redirect URIs on 127.0.0.1 match on any port (RFC 8252's loopback rule), because
// every test server listens on its own port.
import { createHash } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT ?? 55090);
const issuer = `http://127.0.0.1:${port}`;
const redirect = 'http://127.0.0.1:3000/sso/callback';
const client = (id) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  redirect_uris: [redirect],
  grant_types: ['authorization_code'],
  response_types: ['code'],
});

function subjectOf(email) {
  return `sub-${createHash('sha256').update(email).digest('hex').slice(0, 20)}`;
}

// Who signed in as whom, and with which groups (typed on the login screen).
const accounts = new Map();
const groupsOf = new Map();

const provider = new Provider(issuer, {
  clients: [client('tessera-a'), client('tessera-b'), client('tessera-tamper')],
  cookies: { keys: ['tessera-test-oidc-cookie-key'] },
  claims: { openid: ['sub', 'amr', 'groups'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const email = accounts.get(sub);
    if (!email) return undefined;
    return {
      accountId: sub,
      async claims() {
        const local = email.split('@')[0];
        const name = local.charAt(0).toUpperCase() + local.slice(1);
        return { sub, email, email_verified: true, name: `${name} Example`, groups: groupsOf.get(sub) ?? [] };
      },
    };
  },
  // First-party clients: consent is implied, so no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
  let wanted;
  try { wanted = new URL(value); } catch { return false; }
  return this.redirectUris.some((uri) => {
    const allowed = new URL(uri);
    const loopback = allowed.hostname === '127.0.0.1' && wanted.hostname === '127.0.0.1';
    return allowed.protocol === wanted.protocol && allowed.hostname === wanted.hostname
      && allowed.pathname === wanted.pathname && (loopback || allowed.port === wanted.port);
  });
};

async function formBody(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return new URLSearchParams(raw);
}

const page = (uid) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP</title></head>
<body><h1>Test IdP sign-in</h1>
<form method="post" action="/interaction/${uid}/login">
<label>E-mail <input name="login" type="email" autofocus required></label>
<label>Groups <input name="groups"></label>
<label><input type="checkbox" name="mfa" value="1"> with a second factor</label>
<button type="submit">Continue</button></form></body></html>`;

// The login screen, and altering tessera-tamper's ID tokens after they were signed.
provider.use(async (ctx, next) => {
  const shown = ctx.path.match(/^\/interaction\/([^/]+)$/);
  const posted = ctx.path.match(/^\/interaction\/([^/]+)\/login$/);
  if (shown && ctx.method === 'GET') {
    await provider.interactionDetails(ctx.req, ctx.res);
    ctx.type = 'html';
    ctx.body = page(shown[1]);
    return;
  }
  if (posted && ctx.method === 'POST') {
    await provider.interactionDetails(ctx.req, ctx.res);
    const form = await formBody(ctx.req);
    const email = (form.get('login') ?? '').trim().toLowerCase();
    const accountId = subjectOf(email);
    accounts.set(accountId, email);
    groupsOf.set(accountId, (form.get('groups') ?? '').split(',').map((g) => g.trim()).filter(Boolean));
    const amr = form.get('mfa') ? ['pwd', 'otp'] : ['pwd'];
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId, amr } }, { mergeWithLastSubmission: false });
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token) {
    const auth = ctx.get('authorization');
    const id = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString().split(':')[0] : '';
    if (decodeURIComponent(id) === 'tessera-tamper') {
      const [header, payload, signature] = ctx.body.id_token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      claims.email = 'ceo@tamper.example';
      ctx.body = { ...ctx.body, id_token: [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.') };
    }
  }
});

provider.listen(port, '127.0.0.1', () => console.log(`oidc peer on ${issuer}`));
