# Messages of the link check.
