/**
 * Privileges behind the access model: CloudNativePG manages roles and memberships (`<db>_admin`,
 * `<db>_readonly`, who is in them) and databases, but no privileges on the objects inside a
 * database. This script grants them; a CronJob runs it as the role `hearth_grants`, a member of
 * every `<db>_admin` group and every user (needed to grant on their tables and to set default
 * privileges for the tables they create). It is idempotent and reads everything it needs from
 * PostgreSQL itself, so the chart passes it no values: a database takes part when both of its
 * group roles exist.
 *
 * Per database `<db>`:
 * - only `<db>_admin` and `<db>_readonly` may connect (CONNECT is revoked from PUBLIC);
 * - `<db>_admin` gets every privilege on every schema, table, sequence and function, also on
 *   objects its members create later (default privileges);
 * - `<db>_readonly` gets USAGE on schemas and SELECT on tables and sequences, also later ones.
 */

/** The CronJob's container runs `bash -c` with this text; libpq settings come from PG* variables. */
export const GRANTS_SCRIPT = `set -euo pipefail
databases=$(psql -v ON_ERROR_STOP=1 -AtX -d postgres -c "
  SELECT d.datname FROM pg_database d
  JOIN pg_roles a ON a.rolname = d.datname || '_admin'
  JOIN pg_roles r ON r.rolname = d.datname || '_readonly'
  WHERE NOT d.datistemplate AND pg_has_role(current_user, a.oid, 'MEMBER')")
for database in $databases; do
  echo "granting in database $database"
  psql -v ON_ERROR_STOP=1 -qX -d "$database" <<'SQL'
DO $grants$
DECLARE
  db text := current_database();
  adm text := current_database() || '_admin';
  ro text := current_database() || '_readonly';
  item record;
BEGIN
  EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', db);
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', db, adm);
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', db, ro);
  -- Only objects whose owner this role can act for: others (an extension's, the superuser's) are left alone.
  FOR item IN SELECT n.nspname AS name FROM pg_namespace n
      WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND pg_has_role(current_user, n.nspowner, 'USAGE') LOOP
    EXECUTE format('GRANT ALL ON SCHEMA %I TO %I', item.name, adm);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', item.name, ro);
  END LOOP;
  FOR item IN SELECT c.oid::regclass::text AS name, c.relkind = 'S' AS sequence FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND pg_has_role(current_user, c.relowner, 'USAGE') LOOP
    EXECUTE format('GRANT ALL ON %s %s TO %I', CASE WHEN item.sequence THEN 'SEQUENCE' ELSE 'TABLE' END, item.name, adm);
    EXECUTE format('GRANT SELECT ON %s %s TO %I', CASE WHEN item.sequence THEN 'SEQUENCE' ELSE 'TABLE' END, item.name, ro);
  END LOOP;
  FOR item IN SELECT p.oid::regprocedure::text AS name FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND pg_has_role(current_user, p.proowner, 'USAGE') LOOP
    EXECUTE format('GRANT ALL ON ROUTINE %s TO %I', item.name, adm);
  END LOOP;
  FOR item IN
    SELECT adm AS name
    UNION
    SELECT m.rolname FROM pg_auth_members am
    JOIN pg_roles g ON g.oid = am.roleid
    JOIN pg_roles m ON m.oid = am.member
    WHERE g.rolname = adm AND pg_has_role(current_user, m.oid, 'MEMBER')
  LOOP
    BEGIN
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT ALL ON TABLES TO %I', item.name, adm);
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT ALL ON SEQUENCES TO %I', item.name, adm);
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT ALL ON FUNCTIONS TO %I', item.name, adm);
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT ALL ON SCHEMAS TO %I', item.name, adm);
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON TABLES TO %I', item.name, ro);
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON SEQUENCES TO %I', item.name, ro);
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', item.name, ro);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'default privileges of % skipped: %', item.name, SQLERRM;
    END;
  END LOOP;
END
$grants$;
SQL
done
`;

/** The role the CronJob logs in as (user names cannot contain '_', so it never meets a user's). */
export const GRANTS_ROLE = 'hearth_grants';
/** How often the grants are applied (new tables, new members, new databases). */
export const GRANTS_SCHEDULE = '*/10 * * * *';
