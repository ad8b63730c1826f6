"""A partner's people: each person signs in with the Cognito user pool and acts with a role
(licensing.access.roles); an owner invites, re-roles, suspends and removes them, and at least one active
owner always remains. The authorizer reads the person's item on every request, so a change applies at once."""
