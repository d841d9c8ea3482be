// The OpenID Connect provider of the browser sign-in test: the certified `oidc-provider`
// package (installed by scripts/fetch-oidc-provider.sh into .cache/), configured with one
// client (teamlens) and the users named in $OIDC_USERS, listening on 127.0.0.1 only.
// Its development login form takes any password: the test signs in by login name.
//
//   OIDC_PORT=4010 OIDC_REDIRECT_URI=http://127.0.0.1:8501/oauth2callback \
//   OIDC_USERS='{"ana": {"email": "ana@example.com", "email_verified": true}}' \
//   node provider.mjs
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.OIDC_MODULES, "noop.js"));
const Provider = require("oidc-provider").default ?? require("oidc-provider");

const port = Number(process.env.OIDC_PORT);
const users = JSON.parse(process.env.OIDC_USERS);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "teamlens",
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      post_logout_redirect_uris: [process.env.OIDC_REDIRECT_URI.replace("/oauth2callback", "/")],
      response_types: ["code"],
      grant_types: ["authorization_code"],
    },
  ],
  // the ID token carries the e-mail (Streamlit reads the ID token's claims, not /me)
  conformIdTokenClaims: false,
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return { accountId: id, async claims() { return { sub: id, name: id, ...user }; } };
  },
  pkce: { required: () => false },
  cookies: { keys: ["teamlens-test-only"] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
});
provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider ready on ${issuer}`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
