# Messages of the freshness and wording checks.
