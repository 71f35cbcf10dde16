-- The SQL transaction of one purchase (POST /v2/transactions?identifierName=mobile&source=INSTORE,
-- a REGULAR bill of 1,000 with a new bill number), statement for statement as patron sends it to
-- PostgreSQL: the customer by mobile, then its row; the user group it pools its points into (none
-- here); the account's update, which takes the row lock, counts the purchase and credits the
-- points of the tier the account is in (BRONZE 10, SILVER 15, GOLD 20, in thousandths); the bill
-- with those points, which takes its number or nothing (ON CONFLICT DO NOTHING: the unique index
-- decides); the award entry and its lot in one statement; the referral link a referee's purchase
-- counts for (none here); the names; the linked partner programs the answer shows; commit.
-- Run by pgbench (-M prepared) on the database of `python -m bench loyalty`: customers 2 to 2001
-- of the demo org (id 100, till 1, program 1) are enrolled loyalty customers whose INSTORE
-- mobile is 9197 followed by their id on 8 digits (bench/loyalty.py, POOL_FIRST and POOL_LAST).
-- pgbench takes a colon followed by a name as a variable even inside a string, hence
-- ':' || 'award'.
\set c random(2, 2001)
\set m 919700000000 + :c
\set b random(1, 999999999999999)
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT customers.id, customers.merged_into_id
  FROM customers JOIN identifiers ON identifiers.customer_id = customers.id
 WHERE identifiers.org_id = 100 AND identifiers.source = 'INSTORE'
   AND identifiers.account_id = '' AND identifiers.type = 'mobile' AND identifiers.value = :m
\gset cust_
SELECT customers.id, customers.org_id, customers.loyalty_type, customers.status_label,
       customers.extended_fields, customers.associated_with, customers.merged_into_id,
       customers.deletion_requested_at, customers.deletion_requested_by,
       customers.deletion_reason, customers.created_at, customers.created_by,
       customers.updated_at, customers.updated_by
  FROM customers WHERE customers.id = :cust_id;
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
UPDATE loyalty_accounts
   SET points = loyalty_accounts.points
                + CASE loyalty_accounts.tier_number WHEN 2 THEN 15000 WHEN 3 THEN 20000 ELSE 10000 END,
       lifetime = loyalty_accounts.lifetime
                + CASE loyalty_accounts.tier_number WHEN 2 THEN 15000 WHEN 3 THEN 20000 ELSE 10000 END,
       purchases = loyalty_accounts.purchases + 1000000, updated_at = now(),
       version = loyalty_accounts.version + 1
 WHERE loyalty_accounts.org_id = 100 AND loyalty_accounts.customer_id = :cust_id
   AND loyalty_accounts.program_id = 1
RETURNING loyalty_accounts.id, loyalty_accounts.org_id, loyalty_accounts.customer_id,
          loyalty_accounts.group_id, loyalty_accounts.program_id, loyalty_accounts.tier_number,
          loyalty_accounts.tier_since, loyalty_accounts.tier_expires_at, loyalty_accounts.points,
          loyalty_accounts.delayed, loyalty_accounts.lifetime, loyalty_accounts.redeemed,
          loyalty_accounts.expired, loyalty_accounts.returned, loyalty_accounts.delayed_returned,
          loyalty_accounts.adjusted, loyalty_accounts.transferred_out, loyalty_accounts.purchases,
          loyalty_accounts.baseline_purchases, loyalty_accounts.baseline_lifetime,
          loyalty_accounts.created_at, loyalty_accounts.updated_at, loyalty_accounts.version
\gset a_
\set award 10000 + 5000 * (:a_tier_number - 1)
INSERT INTO loyalty_bills (org_id, customer_id, program_id, group_id, type, bill_number,
                           purchase_key, parent_id, return_type, amount, amount_returned, points,
                           points_returned, billing_date, till_id, source, details, created_at)
VALUES (100, :cust_id, 1, NULL, 'REGULAR', 'pg' || :b, 'pg' || :b, NULL, NULL, 1000000, 0,
        :award, 0, now(), 1, 'INSTORE', '{}', now())
ON CONFLICT (org_id, purchase_key) DO NOTHING
RETURNING loyalty_bills.id \gset bill_
WITH new_entry AS (
  INSERT INTO loyalty_entries (org_id, account_id, kind, points, delayed, raw_points, cause_type,
                               cause_id, key, till_id, notes, created_at)
  VALUES (100, :a_id, 'AWARD', :award, 0, :award, 'bill', :bill_id,
          'bill:' || :bill_id || ':' || 'award', 1, '', now())
  RETURNING loyalty_entries.id)
INSERT INTO loyalty_lots (org_id, account_id, points, remaining, expires_at, available_at,
                          is_delayed, created_at, entry_id)
SELECT 100, :a_id, :award, :award,
       (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '365 days 86399 seconds')
         AT TIME ZONE 'UTC',
       NULL, false, now(), new_entry.id
  FROM new_entry
RETURNING loyalty_lots.entry_id, loyalty_lots.id;
SELECT referral_links.id, referral_links.org_id, referral_links.campaign_id,
       referral_links.referrer_id, referral_links.referee_id, referral_links.code_id,
       referral_links.created_at
  FROM referral_links
 WHERE referral_links.org_id = 100 AND referral_links.referee_id = :cust_id;
SELECT profiles.id, profiles.org_id, profiles.customer_id, profiles.source, profiles.account_id,
       profiles.first_name, profiles.last_name, profiles.first_name_lower,
       profiles.last_name_lower, profiles.fields, profiles.created_at, profiles.created_by,
       profiles.updated_at, profiles.updated_by
  FROM profiles WHERE profiles.customer_id = :cust_id ORDER BY profiles.id;
SELECT partner_memberships.id, partner_memberships.org_id, partner_memberships.customer_id,
       partner_memberships.partner_program_id, partner_memberships.membership_number,
       partner_memberships.tier_number, partner_memberships.tier_expires_at,
       partner_memberships.starts_at, partner_memberships.expires_at,
       partner_memberships.remind_at, partner_memberships.reminded_at,
       partner_memberships.linked_by, partner_memberships.linked_at,
       partner_memberships.updated_at
  FROM partner_memberships
 WHERE partner_memberships.org_id = 100 AND partner_memberships.customer_id = :cust_id
 ORDER BY partner_memberships.partner_program_id;
COMMIT;
