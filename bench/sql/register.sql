-- The SQL transaction of one registration (POST /v2/customers: one INSTORE profile with a mobile
-- and an email, two extended fields), statement for statement as patron sends it to PostgreSQL:
-- the identifier checks, the customer, profile, identifiers and identities, the re-read of what
-- the event reports, and the customerAdded event, inside the savepoint registration retries on.
-- Run by pgbench (-M prepared, as psycopg prepares repeated statements) against a database
-- migrated by `patron db upgrade` that holds the demo org (id 100, till 1).
\set m random(1000000000000, 9999999999999999)
BEGIN;
SAVEPOINT sa_savepoint_1;
SELECT id, org_id, customer_id, profile_id, source, account_id, type, value, attrs, created_at
  FROM identifiers
 WHERE org_id = 100 AND source = 'INSTORE' AND account_id = ''
   AND (type, value) IN (('mobile', '91' || :m), ('email', 'pg' || :m || '@example.com'));
SELECT org_id, type, value, customer_id
  FROM identities
 WHERE org_id = 100 AND (type, value) IN (('mobile', '91' || :m), ('email', 'pg' || :m || '@example.com'));
INSERT INTO customers (org_id, loyalty_type, status_label, extended_fields, associated_with,
                       merged_into_id, created_at, created_by, updated_at, updated_by)
VALUES (100, 'loyalty', 'Active', '{"city": "Bangalore", "gender": "Male"}', NULL,
        NULL, now(), 1, now(), 1)
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
SELECT id, org_id, loyalty_type, status_label, extended_fields, associated_with, merged_into_id,
       created_at, created_by, updated_at, updated_by
  FROM customers WHERE id = :c_id;
SELECT id, org_id, customer_id, source, account_id, first_name, last_name, fields, created_at,
       created_by, updated_at, updated_by
  FROM profiles WHERE customer_id = :c_id ORDER BY id;
SELECT id, org_id, customer_id, profile_id, source, account_id, type, value, attrs, created_at
  FROM identifiers WHERE customer_id = :c_id ORDER BY id;
INSERT INTO events (event_id, org_id, event_name, ref_id, api_request_id, entity_id, created_at,
                    data)
VALUES (gen_random_uuid()::text, 100, 'customerAdded', '100_' || :c_id, md5(:m::text), :c_id, now(),
        ('{"source": "INSTORE", "lastName": "Sawyer", "accountId": "", "enteredAt": '
         || (extract(epoch FROM now()) * 1000)::bigint
         || ', "enteredBy": {"id": 1, "till": {"code": "demo.till", "name": "demo.till"}, '
         || '"user": {"username": "demo.till"}, "store": {"code": "store.demo", '
         || '"name": "Demo Store", "externalId": "DEMO01", "externalId1": "", "externalId2": ""}}, '
         || '"firstName": "Tom", "loyaltyType": "loyalty", "customFields": [], "extendedFields": '
         || '[{"key": "city", "value": "Bangalore"}, {"key": "gender", "value": "Male"}], '
         || '"customerIdentifiers": {"instore": {"id": ' || :c_id || ', "email": "pg' || :m
         || '@example.com", "mobile": "91' || :m || '", "cardNumbers": []}, "lastName": "Sawyer", '
         || '"firstName": "Tom", "customerId": ' || :c_id || ', "loyaltyType": "loyalty"}}')::jsonb)
RETURNING id;
RELEASE SAVEPOINT sa_savepoint_1;
COMMIT;
