-- The SQL transaction of one registration (POST /v2/customers: one INSTORE loyalty profile with
-- a mobile and an email, two extended fields), statement for statement as patron sends it to
-- PostgreSQL: the identifier and identity checks, the customer, profile, identifiers and
-- identities, the customerAdded event, then the enrolment in the demo loyalty program (the
-- account looked up for update, created inside its own savepoint, credited with the 100
-- registration points: the ledger entry and its lot), the card series read, all inside the
-- savepoint registration retries on. The reads that precede the transaction on another
-- connection (the till, store and org configuration) are left out.
-- Run by pgbench (-M prepared, as psycopg prepares repeated statements) against a database
-- migrated by `patron db upgrade` that holds the demo org (id 100, till 1, loyalty program 1).
\set m random(1000000000000, 9999999999999999)
BEGIN ISOLATION LEVEL READ COMMITTED;
SAVEPOINT sa_savepoint_1;
SELECT id, org_id, customer_id, profile_id, source, account_id, type, value, attrs, created_at
  FROM identifiers
 WHERE org_id = 100 AND source = 'INSTORE' AND account_id = ''
   AND (type, value) IN (('mobile', '91' || :m), ('email', 'pg' || :m || '@example.com'));
SELECT org_id, type, value, customer_id
  FROM identities
 WHERE org_id = 100 AND (type, value) IN (('mobile', '91' || :m), ('email', 'pg' || :m || '@example.com'));
INSERT INTO customers (org_id, loyalty_type, status_label, extended_fields, associated_with,
                       merged_into_id, deletion_requested_at, deletion_requested_by,
                       deletion_reason, created_at, created_by, updated_at, updated_by)
VALUES (100, 'loyalty', 'Active', '{"city": "Bangalore", "gender": "Male"}', NULL,
        NULL, NULL, NULL, NULL, now(), 1, now(), 1)
RETURNING id \gset c_
INSERT INTO profiles (org_id, customer_id, source, account_id, first_name, last_name, fields,
                      created_at, created_by, updated_at, updated_by)
VALUES (100, :c_id, 'INSTORE', '', 'Tom', 'Sawyer', '{}', now(), 1, now(), 1)
RETURNING id \gset p_
INSERT INTO identifiers (org_id, customer_id, profile_id, source, account_id, type, value, attrs,
                         created_at)
VALUES (100, :c_id, :p_id, 'INSTORE', '', 'mobile', '91' || :m, 'null', now()),
       (100, :c_id, :p_id, 'INSTORE', '', 'email', 'pg' || :m || '@example.com', 'null', now())
RETURNING id;
INSERT INTO identities (org_id, type, value, customer_id)
VALUES (100, 'email', 'pg' || :m || '@example.com', :c_id);
INSERT INTO identities (org_id, type, value, customer_id) VALUES (100, 'mobile', '91' || :m, :c_id);
INSERT INTO events (event_id, org_id, event_name, ref_id, api_request_id, entity_id, created_at,
                    data, fanned_out_at)
VALUES (gen_random_uuid()::text, 100, 'customerAdded', '100_' || :c_id, md5(:m::text), :c_id, now(),
        ('{"source": "INSTORE", "lastName": "Sawyer", "accountId": "", "enteredAt": '
         || (extract(epoch FROM now()) * 1000)::bigint
         || ', "enteredBy": {"id": 1, "till": {"code": "demo.till", "name": "demo.till"}, '
         || '"user": {"username": "demo.till"}, "store": {"code": "store.demo", '
         || '"name": "Demo Store", "externalId": "DEMO01", "externalId1": "", "externalId2": ""}}, '
         || '"firstName": "Tom", "loyaltyType": "loyalty", "customFields": [], "extendedFields": '
         || '[{"key": "gender", "value": "Male"}, {"key": "city", "value": "Bangalore"}], '
         || '"customerIdentifiers": {"instore": {"id": ' || :c_id || ', "email": "pg' || :m
         || '@example.com", "mobile": "91' || :m || '", "cardNumbers": []}, "lastName": "Sawyer", '
         || '"firstName": "Tom", "customerId": ' || :c_id || ', "loyaltyType": "loyalty"}}')::jsonb,
        NULL)
RETURNING id;
SELECT id, org_id, customer_id, group_id, program_id, tier_number, tier_since, tier_expires_at,
       points, delayed, lifetime, redeemed, expired, returned, delayed_returned, adjusted,
       transferred_out, purchases, baseline_purchases, baseline_lifetime, created_at, updated_at,
       version
  FROM loyalty_accounts
 WHERE org_id = 100 AND customer_id = :c_id AND program_id = 1 FOR UPDATE;
SELECT id, org_id, customer_id, group_id, program_id, tier_number, tier_since, tier_expires_at,
       points, delayed, lifetime, redeemed, expired, returned, delayed_returned, adjusted,
       transferred_out, purchases, baseline_purchases, baseline_lifetime, created_at, updated_at,
       version
  FROM loyalty_accounts
 WHERE org_id = 100 AND customer_id = :c_id AND program_id = 1 FOR UPDATE;
SAVEPOINT sa_savepoint_2;
INSERT INTO loyalty_accounts (org_id, customer_id, group_id, program_id, tier_number, tier_since,
                              tier_expires_at, points, delayed, lifetime, redeemed, expired,
                              returned, delayed_returned, adjusted, transferred_out, purchases,
                              baseline_purchases, baseline_lifetime, created_at, updated_at,
                              version)
VALUES (100, :c_id, NULL, 1, 1, now(), NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, now(), now(), 1)
RETURNING id \gset a_
RELEASE SAVEPOINT sa_savepoint_2;
UPDATE loyalty_accounts SET points = 100000, lifetime = 100000, version = 2 WHERE id = :a_id;
INSERT INTO loyalty_entries (org_id, account_id, kind, points, delayed, raw_points, cause_type,
                             cause_id, key, till_id, notes, created_at)
VALUES (100, :a_id, 'ENROLMENT', 100000, 0, 100000, 'customer', :c_id,
        'enrolment:' || :c_id || ':1', 1, '', now())
RETURNING id \gset e_
-- The points expire 365 days on, at the end of that day in the demo org's zone (UTC).
INSERT INTO loyalty_lots (org_id, account_id, entry_id, points, remaining, expires_at,
                          available_at, is_delayed, created_at)
VALUES (100, :a_id, :e_id, 100000, 100000,
        ((now() AT TIME ZONE 'UTC')::date + 365 + time '23:59:59') AT TIME ZONE 'UTC',
        NULL, false, now())
RETURNING id;
SELECT id, org_id, code, origin, definition, next_number, created_by, created_at, updated_at
  FROM card_series WHERE org_id = 100 ORDER BY id;
RELEASE SAVEPOINT sa_savepoint_1;
COMMIT;
