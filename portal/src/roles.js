// What each partner role may do: the API's table (licensing/access/roles.py), so that screens offer only
// the actions the API will accept. The API still decides: a refused action shows its 403 problem.
const GRANTS = {
  owner: ["owner", "purchaser", "billing", "read_only"],
  purchaser: ["purchaser", "read_only"],
  billing: ["billing", "read_only"],
  read_only: ["read_only"],
};

export const ROLE_NAMES = {
  owner: "Owner",
  purchaser: "Purchaser",
  billing: "Billing",
  read_only: "Read-only",
};

/** Whether a person with `role` may use a route that requires `required`. */
export function can(role, required) {
  return (GRANTS[role] || []).includes(required);
}
