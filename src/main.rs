//! The `portaal` command: `serve`, `migrate`, `create-admin`, `operator`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use actix_web::{HttpServer, web};
use clap::{Parser, Subcommand};
use portaal::clock::{Clock, SystemClock};
use portaal::config::{Config, ConfigError, RawConfig};
use portaal::{AppState, db, domain, password};

/// mimalloc instead of the system allocator: a request makes many small
/// allocations, which glibc's malloc served at about a sixth of a page's CPU
/// time (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's options (its C library, linked for the allocator above).
unsafe extern "C" {
    fn mi_option_get(option: i32) -> std::ffi::c_long;
    fn mi_option_set(option: i32, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in the order of the vendored mimalloc (v3)
/// header.
const MI_OPTION_PURGE_DELAY: i32 = 15;
/// Its default there, in milliseconds (how the option is recognised before
/// it is changed).
const MI_PURGE_DELAY_DEFAULT: std::ffi::c_long = 1000;

/// Give memory back to the machine as soon as it is free: mimalloc keeps
/// freed memory for a second (arenas for ten) and asks for transparent huge
/// pages, so one
/// argon2 hash (19 MiB) or a burst of pages left the server 20–40 MiB
/// larger for good (measured: 60 → 37 MiB after start, 77 → 40 MiB after
/// three token requests; the soak in BENCHMARKS.md). An operator's own
/// `MIMALLOC_PURGE_DELAY` wins.
fn return_memory_promptly() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(PR_SET_THP_DISABLE) takes integers and touches no memory
    // of ours; it affects this process's later page faults only.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: integer arguments; mimalloc reads the option at each
        // purge. The default is checked first, so another option is never
        // changed should the order of mimalloc's options move.
        unsafe {
            if mi_option_get(MI_OPTION_PURGE_DELAY) == MI_PURGE_DELAY_DEFAULT {
                mi_option_set(MI_OPTION_PURGE_DELAY, 0);
            }
        }
    }
}

#[derive(Parser)]
#[command(
    name = "portaal",
    version,
    about = "Portaal: a bilingual backoffice for organisations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve {
        /// Address to listen on (overrides PORTAAL_BIND).
        #[arg(long)]
        bind: Option<String>,
        /// Load the demo organisation and users (once; restarts are harmless).
        #[arg(long)]
        demo: bool,
    },
    /// Run pending database migrations and exit.
    Migrate,
    /// Load the demo data plus many locations and meetings (for `bench/`).
    #[command(hide = true)]
    BenchSeed {
        #[arg(long, default_value_t = 10_000)]
        locations: i64,
        #[arg(long, default_value_t = 50_000)]
        meetings: i64,
        #[arg(long, default_value_t = 20_000)]
        customers: i64,
        #[arg(long, default_value_t = 200_000)]
        contacts: i64,
        /// Write the "Bench" API client's id and a fresh secret to this file
        /// (one line: `ID SECRET`).
        #[arg(long)]
        api_credentials: Option<std::path::PathBuf>,
        /// Also this many organisations `Bench NNNNN` with an active monthly
        /// subscription whose period ended an hour ago (for
        /// `bench/renewal.sh`).
        #[arg(long, default_value_t = 0)]
        renewals: i64,
    },
    /// The subscriptions' lifecycle (the job also runs it once a minute).
    Subscriptions {
        #[command(subcommand)]
        action: SubscriptionsAction,
    },
    /// Invoice runs (the job also runs them once a minute).
    Invoices {
        #[command(subcommand)]
        action: InvoicesAction,
    },
    /// Create an admin (TENANT.BACKOFFICE) for an organisation, creating
    /// either when missing. The password comes from PORTAAL_ADMIN_PASSWORD or
    /// is asked for without echo.
    CreateAdmin {
        /// The admin's e-mail address.
        #[arg(long)]
        email: String,
        /// The organisation's name.
        #[arg(long)]
        organization: String,
        /// Make the admin an operator too (someone who runs Portaal itself
        /// and may open /platform).
        #[arg(long)]
        operator: bool,
    },
    /// Make a user an operator (someone who runs Portaal itself and may open
    /// /platform), or no longer one.
    Operator {
        #[command(subcommand)]
        action: OperatorAction,
    },
}

#[derive(Subcommand)]
enum SubscriptionsAction {
    /// Run the lifecycle once now: trials that ended, cancellations that
    /// came, periods that renew. Prints what moved and how long it took.
    Run,
}

#[derive(Subcommand)]
enum InvoicesAction {
    /// Run the invoices once now: finalize the drafts (number, PDF, mail),
    /// reminders, past due. Prints what it did, how long it took and the
    /// process's peak memory.
    Run,
}

#[derive(Subcommand)]
enum OperatorAction {
    /// Make the user with this e-mail address an operator.
    Grant {
        /// The user's e-mail address.
        email: String,
    },
    /// Make the user with this e-mail address no longer an operator.
    Revoke {
        /// The user's e-mail address.
        email: String,
    },
}

fn config(bind: Option<String>) -> Result<Config, ConfigError> {
    let mut raw = RawConfig::from_env();
    if bind.is_some() {
        raw.bind = bind;
    }
    Config::from_raw(raw)
}

fn main() -> ExitCode {
    return_memory_promptly();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let bind = match &cli.command {
        Command::Serve { bind, .. } => bind.clone(),
        _ => None,
    };
    let config = match config(bind) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("portaal: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Serve { demo, .. } => serve(config, demo),
        Command::Migrate => migrate(&config),
        Command::BenchSeed {
            locations,
            meetings,
            customers,
            contacts,
            api_credentials,
            renewals,
        } => bench_seed(
            &config,
            [locations, meetings, customers, contacts],
            api_credentials.as_deref(),
            renewals,
        ),
        Command::Subscriptions {
            action: SubscriptionsAction::Run,
        } => run_subscriptions(&config),
        Command::Invoices {
            action: InvoicesAction::Run,
        } => run_invoices(&config),
        Command::CreateAdmin {
            email,
            organization,
            operator,
        } => create_admin(&config, &email, &organization, operator),
        Command::Operator { action } => match action {
            OperatorAction::Grant { email } => set_operator(&config, &email, true),
            OperatorAction::Revoke { email } => set_operator(&config, &email, false),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portaal: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn migrate(config: &Config) -> anyhow::Result<()> {
    let mut conn = db::Manager::establish(&config.database)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", config.database.redacted()))?;
    let ran = db::migrate(&mut conn)?;
    println!(
        "{ran} migration(s) applied to {}",
        config.database.redacted()
    );
    Ok(())
}

fn bench_seed(
    config: &Config,
    [locations, meetings, customers, contacts]: [i64; 4],
    api_credentials: Option<&std::path::Path>,
    renewals: i64,
) -> anyhow::Result<()> {
    let pool = db::open(&config.database, 1)?;
    let now = SystemClock.now();
    // Before taking the pool's one connection: the key may need it.
    let key = portaal::data_key_of(config, &pool, now)?;
    let mut conn = pool.get()?;
    domain::demo::ensure(
        &mut conn,
        now,
        &config.public_url,
        &key,
        password::hash_blocking,
    )
    .map_err(|e| anyhow::anyhow!("demo data: {e:?}"))?;
    let (l, m) = portaal::seed::seed(&mut conn, now, locations, meetings)?;
    let (c, k) = portaal::seed::seed_customers(&mut conn, now, customers, contacts)?;
    println!(
        "added {l} locations, {m} meetings, {c} customers and {k} contacts to the demo organisation"
    );
    if renewals > 0 {
        let r = portaal::seed::seed_renewals(&mut conn, now, renewals)?;
        println!("added {r} organisations with a subscription due for renewal");
    }
    // After a bulk load, the planner's statistics (PostgreSQL's autovacuum
    // would take them within minutes; the benchmark starts at once).
    portaal::seed::analyze(&mut conn)?;
    if let Some(path) = api_credentials {
        let (id, secret) = portaal::seed::bench_client(&mut conn, now)?;
        std::fs::write(path, format!("{id} {secret}\n"))?;
        println!(
            "wrote the Bench API client's credentials to {}",
            path.display()
        );
    }
    Ok(())
}

fn run_subscriptions(config: &Config) -> anyhow::Result<()> {
    let pool = db::open(&config.database, 1)?;
    let mut conn = pool.get()?;
    let started = std::time::Instant::now();
    let run = domain::subscriptions::run_lifecycle(&mut conn, SystemClock.now())
        .map_err(|e| anyhow::anyhow!("lifecycle: {e:?}"))?;
    println!(
        "renewed {}, trials ended {}, canceled {} in {:.2} s",
        run.renewed,
        run.trials_ended,
        run.canceled,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn run_invoices(config: &Config) -> anyhow::Result<()> {
    let pool = db::open(&config.database, 1)?;
    let mut conn = pool.get()?;
    let started = std::time::Instant::now();
    let run = portaal::jobs::invoices::run(&mut conn, SystemClock.now())
        .map_err(|e| anyhow::anyhow!("invoices: {e:?}"))?;
    // The peak resident memory of this process (Linux), for the benchmark.
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    println!(
        "finalized {}, reminded {}, past due {}, settled {} in {:.2} s (peak memory {peak})",
        run.finalized,
        run.reminded,
        run.past_due,
        run.settled,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn create_admin(
    config: &Config,
    email: &str,
    organization: &str,
    operator: bool,
) -> anyhow::Result<()> {
    let password = match std::env::var("PORTAAL_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => rpassword::prompt_password("Password for the new admin: ")?,
    };
    if password.chars().count() < domain::validate::MIN_PASSWORD {
        anyhow::bail!(
            "the password needs at least {} characters",
            domain::validate::MIN_PASSWORD
        );
    }
    let hash = password::hash_blocking(&password)?;
    let pool = db::open(&config.database, 1)?;
    let mut conn = pool.get()?;
    let (org, user) = domain::users::create_admin(
        &mut conn,
        SystemClock.now(),
        email,
        organization,
        &hash,
        config.trial_days,
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    println!(
        "{} is now an admin (TENANT.BACKOFFICE) of {} ({})",
        user.email, org.name, org.slug
    );
    if operator {
        domain::operators::set(
            &mut conn,
            SystemClock.now(),
            &domain::actor::AuditActor::system("create-admin"),
            &user.email,
            true,
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        println!("{} is now an operator", user.email);
    }
    Ok(())
}

/// `portaal operator grant|revoke EMAIL`.
fn set_operator(config: &Config, email: &str, on: bool) -> anyhow::Result<()> {
    let pool = db::open(&config.database, 1)?;
    let mut conn = pool.get()?;
    let label = if on {
        "operator grant"
    } else {
        "operator revoke"
    };
    let changed = match domain::operators::set(
        &mut conn,
        SystemClock.now(),
        &domain::actor::AuditActor::system(label),
        email,
        on,
    ) {
        Ok(changed) => changed,
        Err(portaal::error::AppError::NotFound) => {
            anyhow::bail!("no user has the e-mail address {email}")
        }
        Err(e) => anyhow::bail!("{e:?}"),
    };
    let now = if on { "an operator" } else { "not an operator" };
    if changed {
        println!("{email} is now {now}");
    } else {
        println!("{email} was already {now}; nothing changed");
    }
    Ok(())
}

fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let state = AppState::new(config.clone(), clock.clone())
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e:#}", config.database.redacted()))?;
    if demo {
        let mut conn = state.pool.get()?;
        let created = domain::demo::ensure(
            &mut conn,
            clock.now(),
            &config.public_url,
            &state.data_key,
            password::hash_blocking,
        )
        .map_err(|e| anyhow::anyhow!("demo data: {e:?}"))?;
        if created {
            tracing::info!("demo data created");
        }
    }
    let state = web::Data::new(state);
    let bind = config.bind;
    actix_web::rt::System::new().block_on(async move {
        if config.jobs {
            let jobs = state.clone();
            actix_web::rt::spawn(async move { portaal::jobs::run(jobs).await });
        }
        let server = HttpServer::new({
            let state = state.clone();
            move || portaal::app(state.clone())
        })
        .bind(bind)
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?
        .shutdown_timeout(20)
        .run();
        println!(
            "Portaal runs at http://{bind}  (database: {})",
            config.database.redacted()
        );
        if demo {
            println!(
                "Demo logins (password `{}`):\n  admin: {}\n  staff: {}\n  operator: {} (at /platform)",
                domain::demo::PASSWORD,
                domain::demo::ADMIN_EMAIL,
                domain::demo::STAFF_EMAIL,
                domain::demo::OPERATOR_EMAIL
            );
        }
        // actix-web stops gracefully on SIGTERM and Ctrl-C.
        server.await?;
        Ok(())
    })
}
