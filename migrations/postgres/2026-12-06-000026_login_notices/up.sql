-- Each instance keeps the logins and API tokens it checked, and each
-- organisation's data version, so a request needs no database trip to know
-- who asks (domain::logins). What those checks read tells every instance
-- when it changes: a notice on the channel `portaal_logins`, sent by the
-- database itself at commit (a trigger cannot be forgotten by a code path,
-- and a rolled-back change sends nothing). Payloads:
--   s:<session id>   a login ended or changed
--   u:<user id>      a user, or their memberships, changed
--   o:<org id>       an organisation or its subscription changed
--   v:<org id>:<n>   an organisation's data version is now n
--   t:<token id>     an access token was revoked or changed
--   c:<client id>    an API client or one of its secrets changed
-- A new row of `sessions` or `access_tokens` needs no notice: nobody has
-- kept it yet.

CREATE FUNCTION portaal_notice() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind text := TG_ARGV[0];
    rec record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        rec := OLD;
    ELSE
        rec := NEW;
    END IF;
    IF kind = 's' THEN
        PERFORM pg_notify('portaal_logins', 's:' || rec.id);
    ELSIF kind = 'u' THEN
        PERFORM pg_notify('portaal_logins', 'u:' || rec.id);
    ELSIF kind = 'm' THEN
        PERFORM pg_notify('portaal_logins', 'u:' || rec.user_id);
    ELSIF kind = 'o' THEN
        PERFORM pg_notify('portaal_logins', 'o:' || rec.id);
    ELSIF kind = 'so' THEN
        PERFORM pg_notify('portaal_logins', 'o:' || rec.organization_id);
    ELSIF kind = 'v' THEN
        PERFORM pg_notify('portaal_logins', 'v:' || rec.organization_id || ':' || rec.version);
    ELSIF kind = 't' THEN
        PERFORM pg_notify('portaal_logins', 't:' || rec.id);
    ELSIF kind = 'c' THEN
        PERFORM pg_notify('portaal_logins', 'c:' || rec.id);
    ELSIF kind = 'cs' THEN
        PERFORM pg_notify('portaal_logins', 'c:' || rec.api_client_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_notice AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION portaal_notice('s');
CREATE TRIGGER users_notice AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION portaal_notice('u');
CREATE TRIGGER memberships_notice AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION portaal_notice('m');
CREATE TRIGGER organizations_notice AFTER UPDATE OR DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION portaal_notice('o');
CREATE TRIGGER subscriptions_notice AFTER INSERT OR UPDATE OR DELETE ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION portaal_notice('so');
CREATE TRIGGER data_versions_notice AFTER INSERT OR UPDATE ON data_versions
    FOR EACH ROW EXECUTE FUNCTION portaal_notice('v');
CREATE TRIGGER access_tokens_notice AFTER UPDATE OR DELETE ON access_tokens
    FOR EACH ROW EXECUTE FUNCTION portaal_notice('t');
CREATE TRIGGER api_clients_notice AFTER UPDATE OR DELETE ON api_clients
    FOR EACH ROW EXECUTE FUNCTION portaal_notice('c');
CREATE TRIGGER api_client_secrets_notice AFTER UPDATE OR DELETE ON api_client_secrets
    FOR EACH ROW EXECUTE FUNCTION portaal_notice('cs');
