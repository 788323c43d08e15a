//! `DATABASE_URL`: which backend, decided by the URL's scheme.

/// Which database the binary talks to, decided by the URL's scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file path (or `:memory:`).
    Sqlite(String),
    /// A libpq connection URL (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl DatabaseUrl {
    /// Parse `DATABASE_URL`: `postgres://…` / `postgresql://…` → PostgreSQL,
    /// `sqlite://path`, `sqlite:path` or a plain path → SQLite.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(String::from("DATABASE_URL is empty"));
        }
        if let Some(rest) = raw
            .strip_prefix("postgres://")
            .or_else(|| raw.strip_prefix("postgresql://"))
        {
            validate_postgres_authority(rest)?;
            return Ok(Self::Postgres(raw.to_string()));
        }
        if let Some(path) = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(String::from("DATABASE_URL: sqlite URL without a file path"));
            }
            return Ok(Self::Sqlite(path.to_string()));
        }
        if let Some((scheme, _)) = raw.split_once("://") {
            return Err(format!(
                "DATABASE_URL: unsupported scheme `{scheme}://` (use postgres:// or a SQLite file path)"
            ));
        }
        Ok(Self::Sqlite(raw.to_string()))
    }

    /// `true` for PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    /// Connections (and database threads) when none are configured: SQLite
    /// works in-process, so one more thread than there are cores keeps it
    /// busy without the threads crowding each other; PostgreSQL queries
    /// mostly wait on the network, so more of them pay off.
    pub fn default_pool_size(&self) -> u32 {
        match self {
            Self::Postgres(_) => 8,
            Self::Sqlite(_) => std::thread::available_parallelism()
                .map_or(2, |n| n.get() as u32 + 1)
                .clamp(2, 8),
        }
    }

    /// The URL or path without a password, for log lines.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite:{path}"),
            Self::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(s), Some(at)) if at > s => {
                    let userinfo = &url[s + 3..at];
                    let user = userinfo.split(':').next().unwrap_or_default();
                    format!("{}{}@{}", &url[..s + 3], user, &url[at + 1..])
                }
                _ => url.clone(),
            },
        }
    }
}

fn validate_postgres_authority(rest: &str) -> Result<(), String> {
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // IPv6 literals are bracketed; only a trailing `:port` outside brackets counts.
    let port = match hostport.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') && !host.ends_with(':') => Some(port),
        _ => None,
    };
    if let Some(port) = port
        && port.parse::<u16>().is_err()
    {
        return Err(format!("DATABASE_URL: `{port}` is not a valid port number"));
    }
    if rest.contains(char::is_whitespace) {
        return Err(String::from("DATABASE_URL: URL contains whitespace"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_schemes() {
        assert_eq!(
            DatabaseUrl::parse("portaal.db").unwrap(),
            DatabaseUrl::Sqlite("portaal.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db").unwrap(),
            DatabaseUrl::Sqlite("data/x.db".into())
        );
        assert!(
            DatabaseUrl::parse("postgres://u@localhost:5432/db")
                .unwrap()
                .is_postgres()
        );
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("postgres://u@localhost:notaport/db").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn redacts_password() {
        let url = DatabaseUrl::parse("postgres://user:secret@db:5432/app").unwrap();
        assert_eq!(url.redacted(), "postgres://user@db:5432/app");
    }
}
