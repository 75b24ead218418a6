-- A password that an administrator set (a new account, or a reset) must be changed by its
-- owner at the next sign-in, so the administrator never knows a password in use.
ALTER TABLE staff ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
