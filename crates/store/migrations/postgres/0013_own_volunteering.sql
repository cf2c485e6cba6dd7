-- A volunteer with an account (issue 6): at most one active volunteer profile per account.
-- Leaving unlinks the account (account_id becomes NULL with the rest of the personal data).
CREATE UNIQUE INDEX volunteers_account ON volunteers(account_id)
    WHERE account_id IS NOT NULL AND status <> 'left';
