// Signing in with the partner's Cognito user pool (amazon-cognito-identity-js, loaded by index.html as
// the global AmazonCognitoIdentity). Tokens live in memory only: a reload or a new tab signs in again,
// and nothing is left in the browser's storage for a script or another user of the machine to read.
// The flow is the one GET /v1/auth/config names: SRP in AWS (the password never leaves the browser),
// the password flow locally, where moto's Cognito does not check SRP proofs.

const REFRESH_BEFORE_MS = 60_000;

/** The library's Storage interface, over a Map that goes away with the page. */
class MemoryStorage {
  constructor() {
    this.items = new Map();
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  removeItem(key) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

function cognito() {
  const library = window.AmazonCognitoIdentity;
  if (!library) throw new Error("The sign-in library did not load.");
  return library;
}

/** A Cognito error in plain words, with its code (NotAuthorizedException, ...). */
function signInError(error) {
  const code = (error && (error.code || error.name)) || "SignInFailed";
  const words = {
    NotAuthorizedException: "The e-mail or password is not right.",
    UserNotFoundException: "The e-mail or password is not right.",
    PasswordResetRequiredException: "Your password must be reset: ask your partner's owner.",
    InvalidPasswordException: "The new password does not meet the policy (12 characters or more, upper and lower case, a digit and a symbol).",
    CodeMismatchException: "The code is not right.",
    LimitExceededException: "Too many attempts: wait a moment and try again.",
  };
  const failure = new Error(words[code] || (error && error.message) || "Signing in failed.");
  failure.code = code;
  return failure;
}

class Session {
  constructor() {
    this.storage = new MemoryStorage();
    this.pool = null;
    this.user = null;
    this.current = null; // CognitoUserSession
    this.flow = "USER_SRP_AUTH";
    this.onExpired = () => {};
    this.refreshing = null;
  }

  configure(config) {
    const { CognitoUserPool } = cognito();
    this.flow = config.sign_in_flow || "USER_SRP_AUTH";
    this.pool = new CognitoUserPool({
      UserPoolId: config.user_pool_id,
      ClientId: config.client_id,
      endpoint: config.endpoint,
      Storage: this.storage,
    });
  }

  get signedIn() {
    return this.current !== null;
  }

  /** Resolves to {status: "signed_in"}, or a challenge with `complete(answer)` that resolves likewise. */
  signIn(email, password) {
    const { CognitoUser, AuthenticationDetails } = cognito();
    const user = new CognitoUser({ Username: email.trim().toLowerCase(), Pool: this.pool, Storage: this.storage });
    user.setAuthenticationFlowType(this.flow);
    const details = new AuthenticationDetails({ Username: email.trim().toLowerCase(), Password: password });
    return new Promise((resolve, reject) => {
      const callbacks = {
        onSuccess: (session) => {
          this.user = user;
          this.current = session;
          resolve({ status: "signed_in" });
        },
        onFailure: (error) => reject(signInError(error)),
        newPasswordRequired: () =>
          resolve({
            status: "new_password",
            complete: (newPassword) =>
              new Promise((done, failed) =>
                user.completeNewPasswordChallenge(newPassword, {}, {
                  ...callbacks,
                  onSuccess: (session) => {
                    callbacks.onSuccess(session);
                    done({ status: "signed_in" });
                  },
                  onFailure: (error) => failed(signInError(error)),
                }),
              ),
          }),
        totpRequired: () =>
          resolve({
            status: "totp",
            complete: (code) =>
              new Promise((done, failed) =>
                user.sendMFACode(code, {
                  onSuccess: (session) => {
                    callbacks.onSuccess(session);
                    done({ status: "signed_in" });
                  },
                  onFailure: (error) => failed(signInError(error)),
                }, "SOFTWARE_TOKEN_MFA"),
              ),
          }),
      };
      user.authenticateUser(details, callbacks);
    });
  }

  /** The ID token for the API, refreshed first when it expires within a minute; null when signed out.
   * "Now" is Cognito's: the session knows how far this machine's clock is from the tokens' issue time. */
  async token() {
    if (!this.current) return null;
    const expiresAt = this.current.getIdToken().getExpiration() * 1000;
    const cognitoNow = Date.now() - this.current.getClockDrift() * 1000;
    if (expiresAt - cognitoNow < REFRESH_BEFORE_MS) await this.refresh();
    return this.current ? this.current.getIdToken().getJwtToken() : null;
  }

  /** Trade the refresh token for new tokens; false when that is not possible (then sign in again). */
  refresh() {
    if (!this.user || !this.current) return Promise.resolve(false);
    if (!this.refreshing) {
      this.refreshing = new Promise((resolve) => {
        this.user.refreshSession(this.current.getRefreshToken(), (error, session) => {
          this.refreshing = null;
          if (error || !session) {
            resolve(false);
          } else {
            this.current = session;
            resolve(true);
          }
        });
      });
    }
    return this.refreshing;
  }

  /** The API refused the token even after a refresh: the person was removed or suspended. */
  expired(error) {
    this.forget();
    this.onExpired(error);
  }

  /** The tokens leave memory; nothing else holds them (the refresh token expires on its own). */
  signOut() {
    this.forget();
  }

  forget() {
    this.user = null;
    this.current = null;
    this.storage.clear();
  }
}

export const session = new Session();
