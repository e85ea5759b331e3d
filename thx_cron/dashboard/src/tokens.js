// API tokens: create (the secret shown once, with a copy button), list, revoke.
import { OPERATION_INFO, gql, ok } from "./api.js";
import { when } from "./format.js";
import { html, useEffect, useState } from "./html.js";
import { ActionButton, ErrorNote } from "./widgets.js";

const TOKEN = "id name prefix createdAt lastUsedAt revokedAt";

export function Tokens() {
  const [tokens, setTokens] = useState(null);
  const [secret, setSecret] = useState(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState(null);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

  const load = () => gql(`{ apiTokens { ${TOKEN} } }`).then((data) => setTokens(data.apiTokens)).catch(setError);
  useEffect(() => {
    load();
  }, []);

  async function create(event) {
    event.preventDefault();
    const name = new FormData(event.target).get("name");
    setError(null);
    try {
      const data = await gql(
        `mutation Create($name: String!) { createApiToken(name: $name) { __typename ... on NewApiToken { token apiToken { ${TOKEN} } } ${OPERATION_INFO} } }`,
        { name },
      );
      const made = ok(data.createApiToken);
      setSecret(made.token);
      setCopied(false);
      event.target.reset();
      load();
    } catch (exc) {
      setError(exc);
    }
  }
  async function revoke(token) {
    const data = await gql(
      `mutation Revoke($id: ID!) { revokeApiToken(id: $id) { __typename ... on ApiToken { id } ${OPERATION_INFO} } }`,
      { id: token.id },
    );
    ok(data.revokeApiToken);
    load();
  }
  async function copy() {
    await navigator.clipboard.writeText(secret);
    setCopied(true);
  }

  return html`<section aria-labelledby="tokens-title">
    <h1 id="tokens-title">API tokens</h1>
    <p>Scripts call the API with <code>Authorization: Bearer TOKEN</code>.</p>
    <form class="inline-form" onSubmit=${create}>
      <label>Name <input name="name" required /></label>
      <button type="submit">Create token</button>
    </form>
    <${ErrorNote} error=${error} />
    ${secret ? html`<div class="secret" role="status">
      <p>Copy this token now; it is not shown again.</p>
      <code data-testid="secret">${secret}</code>
      <button type="button" onClick=${copy}>${copied ? "Copied" : "Copy"}</button>
    </div>` : null}
    ${tokens ? html`<div class="table-wrap"><table>
      <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Revoked</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
      <tbody>${tokens.map((token) => html`<tr key=${token.id}>
        <th scope="row">${token.name || "(unnamed)"}</th><td><code>${token.prefix}…</code></td>
        <td>${when(token.createdAt, zone)}</td><td>${when(token.lastUsedAt, zone)}</td><td>${when(token.revokedAt, zone)}</td>
        <td>${token.revokedAt ? null : html`<${ActionButton} className="danger" action=${() => revoke(token)} confirmText=${`Revoke ${token.name}?`}>Revoke<//>`}</td>
      </tr>`)}</tbody>
    </table></div>` : null}
  </section>`;
}
