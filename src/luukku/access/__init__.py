"""Who may see and do what: the policy (``policy``), its table of rules (``rules``)."""
