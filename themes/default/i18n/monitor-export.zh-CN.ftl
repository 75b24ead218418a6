# Messages of static export, the tampering ledger and the standards check.
