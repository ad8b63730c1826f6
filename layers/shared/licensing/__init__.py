"""Partner licensing domain layer, one package per bounded context over a shared kernel.

Contexts: `catalog`, `partners`, `access`, `orders`, `payments`, `licenses`, `renewals`, `sweeper`,
`notifications`. Shared: `core` (pure kernel), `store` (the table), `infra` (other AWS services), `http`
(problem details, resolver, lean proxy helpers) and `contracts` (published event schemas). Inside a
context the same file roles recur: pure rules, use-case modules, `repository.py` (the only code that
touches DynamoDB besides `store`), `api.py` (request and response models and the mapping to them) and
`errors.py`. No package `__init__` imports anything: a function loads only the modules it uses.
"""
