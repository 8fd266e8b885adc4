-- Issue 4, the Pepper gateway: US bank accounts (ACH) with the mandate the buyer accepted,
-- redirect payment methods, card surcharges, and saved cards kept in the provider's vault.
ALTER TABLE payments DROP CONSTRAINT payments_method_check;
ALTER TABLE payments ADD CONSTRAINT payments_method_check CHECK (method IN ('card', 'pix', 'ach', 'alipay', 'wechatpay', 'paypal'));

-- The merchant's id for a returning customer, and how their saved cards behave
-- ({ allow_saving, require_cvc, allow_removal }; null without a customer).
ALTER TABLE checkout_sessions ADD COLUMN customer_id text;
ALTER TABLE checkout_sessions ADD COLUMN saved_cards jsonb;
-- null: no surcharge; else the most it may be, in thousandths of a percent of the amount.
ALTER TABLE checkout_sessions ADD COLUMN surcharge_max_rate integer CHECK (surcharge_max_rate BETWEEN 0 AND 10000);
ALTER TABLE checkout_sessions ADD COLUMN ach_sec_code text NOT NULL DEFAULT 'web' CHECK (ach_sec_code IN ('web', 'ccd', 'ppd'));

-- `amount` is what the buyer is charged; `surcharge_amount` is the part of it that is surcharge.
ALTER TABLE payments ADD COLUMN surcharge_amount bigint NOT NULL DEFAULT 0 CHECK (surcharge_amount >= 0 AND surcharge_amount < amount);
-- A bank account is kept as its routing number (public: it names the bank) and last 4 only.
ALTER TABLE payments ADD COLUMN ach_routing_number text CHECK (ach_routing_number ~ '^[0-9]{9}$');
ALTER TABLE payments ADD COLUMN ach_last4 text CHECK (ach_last4 ~ '^[0-9]{4}$');
ALTER TABLE payments ADD COLUMN ach_account_type text CHECK (ach_account_type IN ('checking', 'savings'));
-- What the buyer authorized: { text, accepted_at, sec_code, ip }.
ALTER TABLE payments ADD COLUMN mandate jsonb;
-- Paid with a card from the vault / the buyer asked to save the card, and whether it was saved.
ALTER TABLE payments ADD COLUMN saved_card_id text;
ALTER TABLE payments ADD COLUMN save_card text CHECK (save_card IN ('requested', 'saved', 'not_saved'));

-- The provider's vault customer that holds a merchant's customer's cards.
CREATE TABLE vault_customers (
  merchant_id        text NOT NULL REFERENCES merchants(id),
  customer_id        text NOT NULL,
  provider           text NOT NULL,
  provider_customer  text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, provider, customer_id)
);
