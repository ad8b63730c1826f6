// The sign-in form, and the new-password and authenticator-code steps Cognito may ask for.
import { el, field, problemView } from "../ui.js";

function form(title, fields, submitLabel, onSubmit, message) {
  const problem = el("div", { class: "problem-slot" });
  const button = el("button", { type: "submit", class: "primary" }, submitLabel);
  const node = el("form", { class: "sign-in", "aria-labelledby": "sign-in-title", novalidate: true },
    el("h1", { id: "sign-in-title" }, title),
    message ? el("p", { role: "status" }, message) : null,
    problem, ...fields, button);
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    problem.replaceChildren();
    try {
      await onSubmit();
    } catch (error) {
      problem.replaceChildren(problemView({ title: error.message, code: error.code }));
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

export function renderSignIn(main, { session, message, onSignedIn }) {
  const email = el("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = el("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const show = (node) => {
    main.replaceChildren(node);
    node.querySelector("input").focus();
  };
  const after = async (answer) => {
    if (answer.status === "signed_in") return onSignedIn();
    if (answer.status === "new_password") {
      const chosen = el("input", { type: "password", name: "new-password", autocomplete: "new-password", required: true });
      return show(form("Choose your password", [field("New password", chosen, "12 characters or more: upper and lower case, a digit and a symbol.")],
        "Set password and sign in", async () => after(await answer.complete(chosen.value)),
        "This is your first sign-in: replace the temporary password."));
    }
    const code = el("input", { type: "text", name: "code", inputmode: "numeric", autocomplete: "one-time-code", required: true });
    return show(form("Authenticator code", [field("Code", code, "The 6 digits your authenticator app shows.")],
      "Verify", async () => after(await answer.complete(code.value.trim()))));
  };
  show(form("Sign in to the partner portal", [field("E-mail", email), field("Password", password)], "Sign in",
    async () => after(await session.signIn(email.value, password.value)), message));
}
