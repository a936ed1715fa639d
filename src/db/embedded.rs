//! The private PostgreSQL cluster Workbay keeps in its data directory when no `DATABASE_URL` is
//! given. It listens only on a unix socket inside the data directory (no TCP port). `initdb` and
//! `pg_ctl` refuse to run as root, so as root the binaries run as the `postgres` system user and
//! the directories are handed to that user.
//!
//! Over 300 lines: initdb, start, stop, the lock file and running as `postgres` are one lifecycle.

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, anyhow, bail};
use diesel::{Connection, PgConnection, RunQueryDsl};

use super::roles;

/// The unprivileged system user that runs PostgreSQL when Workbay itself runs as root.
const SERVICE_USER: &str = "postgres";
/// The superuser `initdb` creates inside the cluster.
pub const SUPERUSER: &str = "postgres";

/// Where the PostgreSQL server binaries (`initdb`, `pg_ctl`, `postgres`, `psql`) live.
#[derive(Debug, Clone)]
pub struct PgBinaries {
    dir: PathBuf,
}

impl PgBinaries {
    /// Finds the binaries: `WORKBAY_PG_BIN`, then the newest `/usr/lib/postgresql/*/bin`, then
    /// `pg_ctl` on the `PATH`. The error says exactly what to install.
    pub fn locate() -> Result<Self> {
        if let Ok(dir) = std::env::var("WORKBAY_PG_BIN") {
            let dir = PathBuf::from(dir);
            if dir.join("pg_ctl").is_file() {
                return Ok(Self { dir });
            }
            bail!("WORKBAY_PG_BIN={} has no pg_ctl in it", dir.display());
        }
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let major = e.file_name().to_str()?.parse::<u32>().ok()?;
                let bin = e.path().join("bin");
                bin.join("pg_ctl").is_file().then_some((major, bin))
            })
            .collect();
        versions.sort();
        if let Some((_, dir)) = versions.pop() {
            return Ok(Self { dir });
        }
        if let Some(path) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&path) {
                if dir.join("pg_ctl").is_file() && dir.join("initdb").is_file() {
                    return Ok(Self { dir });
                }
            }
        }
        Err(anyhow!(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found.\n\
             Install them with:  apt-get install -y postgresql postgresql-contrib\n\
             or point WORKBAY_PG_BIN at the directory holding pg_ctl, \
             or set DATABASE_URL to use an existing server."
        ))
    }

    /// The path of one binary, e.g. `psql`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Tuning for a cluster; tests trade durability for speed.
#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    /// Extra `postgresql.conf` lines written at `initdb` time.
    pub extra_conf: Vec<(String, String)>,
}

/// A PostgreSQL cluster living in a directory of ours.
#[derive(Debug)]
pub struct EmbeddedCluster {
    pgdata: PathBuf,
    socket_dir: PathBuf,
    log_file: PathBuf,
    bins: PgBinaries,
    run_as: Option<ServiceUser>,
    started_here: bool,
}

#[derive(Debug, Clone)]
struct ServiceUser {
    name: String,
    uid: u32,
    gid: u32,
}

impl EmbeddedCluster {
    /// Describes the cluster under `data_dir` (`postgres/` for the data, `run/` for the socket and
    /// log); nothing is created until [`EmbeddedCluster::init_and_start`].
    pub fn new(data_dir: &Path) -> Result<Self> {
        let bins = PgBinaries::locate()?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating data directory {}", data_dir.display()))?;
        let data_dir = data_dir
            .canonicalize()
            .with_context(|| format!("resolving {}", data_dir.display()))?;
        let run_as = if is_root() {
            Some(service_user().context(
                "running as root, PostgreSQL must run as the `postgres` system user, which does \
                 not exist: apt-get install -y postgresql creates it",
            )?)
        } else {
            None
        };
        let run = data_dir.join("run");
        Ok(Self {
            pgdata: data_dir.join("postgres"),
            log_file: run.join("postgres.log"),
            socket_dir: run,
            bins,
            run_as,
            started_here: false,
        })
    }

    /// The directory the unix socket lives in.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// The binaries this cluster runs.
    pub fn binaries(&self) -> &PgBinaries {
        &self.bins
    }

    /// A libpq URL for `user` on database `db` through the socket.
    pub fn url(&self, user: &str, db: &str) -> String {
        format!(
            "postgres://{user}@localhost/{db}?host={}",
            self.socket_dir.display()
        )
    }

    /// `initdb` when the data directory is new, then `pg_ctl start` unless it is already running
    /// (another `workbay` command may have started it; then it is left for that one to stop).
    pub fn init_and_start(&mut self, options: &ClusterOptions) -> Result<()> {
        self.prepare_dirs()?;
        if !self.pgdata.join("PG_VERSION").is_file() {
            self.initdb(options)?;
        }
        if self.is_running() {
            tracing::info!(pgdata = %self.pgdata.display(), "embedded PostgreSQL already running");
            return Ok(());
        }
        let status = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.pgdata)
            .arg("-l")
            .arg(&self.log_file)
            .args(["-w", "-t", "60", "start"])
            .stdout(Stdio::null())
            .status()
            .context("running pg_ctl start")?;
        if !status.success() {
            let log = std::fs::read_to_string(&self.log_file).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(15).collect();
            bail!(
                "pg_ctl start failed ({status}); last lines of {}:\n{}",
                self.log_file.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        self.started_here = true;
        tracing::info!(pgdata = %self.pgdata.display(), "embedded PostgreSQL started");
        Ok(())
    }

    /// Takes over stopping a cluster that was already running (left behind by a process that
    /// was killed): the long-running `serve` stops it on exit.
    pub fn adopt(&mut self) {
        if self.is_running() {
            self.started_here = true;
        }
    }

    /// Whether a postmaster is serving this data directory.
    pub fn is_running(&self) -> bool {
        self.command("pg_ctl")
            .arg("-D")
            .arg(&self.pgdata)
            .arg("status")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    /// Stops the cluster if this process started it (fast shutdown: open sessions are ended,
    /// committed work is kept).
    pub fn stop(&mut self) -> Result<()> {
        if !self.started_here {
            return Ok(());
        }
        let status = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.pgdata)
            .args(["-m", "fast", "-w", "stop"])
            .stdout(Stdio::null())
            .status()
            .context("running pg_ctl stop")?;
        if !status.success() {
            bail!("pg_ctl stop failed ({status})");
        }
        self.started_here = false;
        tracing::info!("embedded PostgreSQL stopped");
        Ok(())
    }

    /// Creates the owner and application roles and the database `db` (owned by the owner role)
    /// when they are missing.
    pub fn bootstrap(&self, db: &str) -> Result<()> {
        let mut conn = PgConnection::establish(&self.url(SUPERUSER, "postgres"))
            .context("connecting to the embedded cluster as its superuser")?;
        roles::ensure_roles(&mut conn)?;
        create_database_if_missing(&mut conn, db, None)?;
        Ok(())
    }

    /// A command for one of the PostgreSQL binaries, run as the service user when we are root.
    pub fn command(&self, binary: &str) -> Command {
        use std::os::unix::process::CommandExt;
        let mut cmd = self.bare_command(binary);
        // Its own process group: Ctrl-C in the terminal reaches only workbay, which then stops
        // the cluster cleanly instead of racing a signal.
        cmd.process_group(0);
        cmd
    }

    fn bare_command(&self, binary: &str) -> Command {
        match &self.run_as {
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", &user.name, "--"])
                    .arg(self.bins.path(binary));
                cmd
            }
            None => Command::new(self.bins.path(binary)),
        }
    }

    fn prepare_dirs(&self) -> Result<()> {
        for dir in [&self.pgdata, &self.socket_dir] {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            set_mode(dir, 0o700)?;
            if let Some(user) = &self.run_as {
                std::os::unix::fs::chown(dir, Some(user.uid), Some(user.gid))
                    .with_context(|| format!("handing {} to {}", dir.display(), user.name))?;
            }
        }
        if let Some(user) = &self.run_as {
            // The service user must be able to walk down to its directories.
            let probe = Command::new("runuser")
                .args(["-u", &user.name, "--", "test", "-w"])
                .arg(&self.pgdata)
                .status()
                .context("running runuser")?;
            if !probe.success() {
                bail!(
                    "the `{}` user cannot reach {}: every parent directory must be searchable \
                     by it (chmod o+x), or choose another --data-dir such as /var/lib/workbay",
                    user.name,
                    self.pgdata.display()
                );
            }
        }
        Ok(())
    }

    fn initdb(&self, options: &ClusterOptions) -> Result<()> {
        tracing::info!(pgdata = %self.pgdata.display(), "creating the embedded PostgreSQL cluster");
        let output = self
            .command("initdb")
            .arg("-D")
            .arg(&self.pgdata)
            .args(["-U", SUPERUSER, "-E", "UTF8", "--locale=C.UTF-8"])
            // Only local socket connections exist, in a directory only we can enter.
            .args(["--auth-local=trust", "--auth-host=reject"])
            .output()
            .context("running initdb")?;
        if !output.status.success() {
            bail!("initdb failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        let mut conf = format!(
            "\n# Workbay: unix socket only\nlisten_addresses = ''\nunix_socket_directories = '{}'\n\
             unix_socket_permissions = 0700\n",
            self.socket_dir.display()
        );
        for (key, value) in &options.extra_conf {
            conf.push_str(&format!("{key} = {value}\n"));
        }
        let conf_path = self.pgdata.join("postgresql.conf");
        let mut existing = std::fs::read_to_string(&conf_path)
            .with_context(|| format!("reading {}", conf_path.display()))?;
        existing.push_str(&conf);
        std::fs::write(&conf_path, existing)
            .with_context(|| format!("writing {}", conf_path.display()))?;
        Ok(())
    }
}

impl Drop for EmbeddedCluster {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            tracing::error!(error = %e, "stopping the embedded PostgreSQL failed");
        }
    }
}

/// `CREATE DATABASE name [TEMPLATE template] OWNER workbay_owner` unless it exists.
pub fn create_database_if_missing(
    conn: &mut PgConnection,
    name: &str,
    template: Option<&str>,
) -> Result<()> {
    use diesel::sql_types::{Bool, Text};
    #[derive(diesel::QueryableByName)]
    struct Exists {
        #[diesel(sql_type = Bool)]
        exists: bool,
    }
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(name)
            .get_result(conn)?;
    if !found.exists {
        let template = template
            .map(|t| format!(" TEMPLATE {}", quote_ident(t)))
            .unwrap_or_default();
        diesel::sql_query(format!(
            "CREATE DATABASE {}{template} OWNER {}",
            quote_ident(name),
            roles::OWNER_ROLE
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// Quotes an SQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("chmod {}", path.display()))
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn service_user() -> Result<ServiceUser> {
    let name = CString::new(SERVICE_USER)?;
    // SAFETY: getpwnam gets a valid C string; the returned record is read at once, before any
    // other call could overwrite its static buffer.
    unsafe {
        let pw = libc::getpwnam(name.as_ptr());
        if pw.is_null() {
            bail!("no such user: {SERVICE_USER}");
        }
        Ok(ServiceUser {
            name: SERVICE_USER.to_string(),
            uid: (*pw).pw_uid,
            gid: (*pw).pw_gid,
        })
    }
}
