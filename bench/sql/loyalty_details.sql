-- The SQL of one GET /v2/customers/{id}/loyaltyDetails, as patron sends it to PostgreSQL: the
-- customer, then its accounts (one per program). Reads run without BEGIN and COMMIT, each
-- statement on its own (patron's read sessions are in autocommit).
-- Run by pgbench (-M prepared) on the database of `python -m bench loyalty`, where customer 1
-- of the demo org holds 10,000 ledger entries (bench/loyalty.py, HEAVY_ID).
\set c 1
SELECT customers.id, customers.org_id, customers.loyalty_type, customers.status_label,
       customers.extended_fields, customers.associated_with, customers.merged_into_id,
       customers.deletion_requested_at, customers.deletion_requested_by,
       customers.deletion_reason, customers.created_at, customers.created_by,
       customers.updated_at, customers.updated_by
  FROM customers WHERE customers.id = :c;
SELECT id, org_id, customer_id, program_id, tier_number, tier_since, tier_expires_at, points,
       delayed, lifetime, redeemed, expired, returned, delayed_returned, adjusted,
       transferred_out, purchases, baseline_purchases, baseline_lifetime, created_at,
       updated_at, version
  FROM loyalty_accounts WHERE org_id = 100 AND customer_id = :c ORDER BY program_id;
