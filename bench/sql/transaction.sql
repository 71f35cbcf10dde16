-- The SQL transaction of one purchase (POST /v2/transactions?identifierName=mobile&source=INSTORE,
-- a REGULAR bill of 1,000 with a new bill number), statement for statement as patron sends it to
-- PostgreSQL: the customer by mobile, the user group it pools its points into (none here), the
-- bill-number check, the bill inside the savepoint that
-- catches a concurrent duplicate, the account's row lock, its balances and purchases, the award
-- entry and its lot, the bill's points, then the names and balances the answer shows.
-- Run by pgbench (-M prepared) on the database of `python -m bench loyalty`: customers 2 to 2001
-- of the demo org (id 100, till 1, program 1) are enrolled loyalty customers whose INSTORE
-- mobile is 9197 followed by their id on 8 digits (bench/loyalty.py, POOL_FIRST and POOL_LAST).
-- patron sends the balances it computed; the script computes them from the locked row the same
-- way (a BRONZE customer earns 1 % of 1,000: 10 points, stored in thousandths). pgbench takes
-- a colon followed by a name as a variable even inside a string, hence ':' || 'award'.
\set c random(2, 2001)
\set m 919700000000 + :c
\set b random(1, 999999999999999)
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT customers.id, customers.org_id, customers.loyalty_type, customers.status_label,
       customers.extended_fields, customers.associated_with, customers.merged_into_id,
       customers.deletion_requested_at, customers.deletion_requested_by,
       customers.deletion_reason, customers.created_at, customers.created_by,
       customers.updated_at, customers.updated_by
  FROM customers JOIN identifiers ON identifiers.customer_id = customers.id
 WHERE identifiers.org_id = 100 AND identifiers.source = 'INSTORE'
   AND identifiers.account_id = '' AND identifiers.type = 'mobile' AND identifiers.value = :m
\gset cust_
SELECT user_group_members.id, user_group_members.org_id, user_group_members.group_id,
       user_group_members.customer_id, user_group_members.is_primary, user_group_members.role,
       user_group_members.permissions, user_group_members.is_default,
       user_group_members.joined_by, user_group_members.joined_at, user_groups.id AS id_1,
       user_groups.org_id AS org_id_1, user_groups.external_id, user_groups.name,
       user_groups.max_size, user_groups.member_count, user_groups.status,
       user_groups.extended_fields, user_groups.hierarchy_id, user_groups.owner_id,
       user_groups.created_by, user_groups.created_at, user_groups.updated_by,
       user_groups.updated_at
  FROM user_group_members JOIN user_groups ON user_groups.id = user_group_members.group_id
 WHERE user_group_members.org_id = 100 AND user_group_members.customer_id = :cust_id
   AND user_groups.hierarchy_id IS NOT NULL AND user_groups.status = 'ACTIVE'
 ORDER BY user_group_members.is_default DESC, user_group_members.id LIMIT 1;
SELECT id, org_id, customer_id, program_id, group_id, type, bill_number, purchase_key,
       parent_id, return_type, amount, amount_returned, points, points_returned, billing_date,
       till_id, source, details, created_at
  FROM loyalty_bills WHERE org_id = 100 AND purchase_key = 'pg' || :b;
SAVEPOINT sa_savepoint_1;
INSERT INTO loyalty_bills (org_id, customer_id, program_id, group_id, type, bill_number,
                           purchase_key, parent_id, return_type, amount, amount_returned, points,
                           points_returned, billing_date, till_id, source, details, created_at)
VALUES (100, :cust_id, 1, NULL, 'REGULAR', 'pg' || :b, 'pg' || :b, NULL, NULL, 1000000, 0, 0,
        0, now(), 1, 'INSTORE', '{}', now())
RETURNING id \gset bill_
RELEASE SAVEPOINT sa_savepoint_1;
SELECT id, org_id, customer_id, group_id, program_id, tier_number, tier_since,
       tier_expires_at, points, delayed, lifetime, redeemed, expired, returned, delayed_returned, adjusted,
       transferred_out, purchases, baseline_purchases, baseline_lifetime, created_at,
       updated_at, version
  FROM loyalty_accounts
 WHERE org_id = 100 AND customer_id = :cust_id AND program_id = 1 FOR UPDATE
\gset a_
\set points :a_points + 10000
\set lifetime :a_lifetime + 10000
\set version :a_version + 1
\set purchases :a_purchases + 1000000
UPDATE loyalty_accounts SET points = :points, lifetime = :lifetime, purchases = :purchases,
       updated_at = now(), version = :version
 WHERE id = :a_id;
INSERT INTO loyalty_entries (org_id, account_id, kind, points, delayed, raw_points, cause_type,
                             cause_id, key, till_id, notes, created_at)
VALUES (100, :a_id, 'AWARD', 10000, 0, 10000, 'bill', :bill_id,
        'bill:' || :bill_id || ':' || 'award', 1, '', now())
RETURNING id \gset entry_
INSERT INTO loyalty_lots (org_id, account_id, entry_id, points, remaining, expires_at,
                          available_at, is_delayed, created_at)
VALUES (100, :a_id, :entry_id, 10000, 10000,
        (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '365 days 86399 seconds')
          AT TIME ZONE 'UTC',
        NULL, false, now())
RETURNING id;
UPDATE loyalty_bills SET points = 10000 WHERE id = :bill_id;
SELECT id, org_id, customer_id, source, account_id, first_name, last_name, fields, created_at,
       created_by, updated_at, updated_by
  FROM profiles WHERE customer_id = :cust_id ORDER BY id;
SELECT id, org_id, customer_id, group_id, program_id, tier_number, tier_since,
       tier_expires_at, points, delayed, lifetime, redeemed, expired, returned, delayed_returned, adjusted,
       transferred_out, purchases, baseline_purchases, baseline_lifetime, created_at,
       updated_at, version
  FROM loyalty_accounts WHERE org_id = 100 AND customer_id = :cust_id ORDER BY program_id;
COMMIT;
