"""MSP monthly billing: device-days of each activated monthly license per UTC month (pure rules in
`usage`), a partner's live usage and its CSV, and the scheduled run that writes one `monthly_statement`
order per monthly partner and month, exactly once, reading only the sparse GSI5 of monthly partners and
their licenses."""
