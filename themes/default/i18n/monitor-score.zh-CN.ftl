# Messages of scorecards and analytics.
