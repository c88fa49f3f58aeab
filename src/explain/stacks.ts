// Which client stack (or server log) printed a record: its exception types, module paths and prefixes. Told
// apart so that the operator sees whose words they are, and so that the engine is known where the text has no code.
export interface Stack { name: string; text: RegExp; engine?: 'postgres' | 'mysql'; log?: boolean }

// Most specific first: a wrapper (SQLAlchemy, Django, ActiveRecord) names the driver inside it too.
export const STACKS: Stack[] = [
  { name: 'SQLAlchemy', text: /sqlalchemy\.exc\.\w+/ },
  { name: 'Django', text: /django\.db\.utils\.\w+/ },
  { name: 'ActiveRecord', text: /ActiveRecord::\w+/ },
  { name: 'HikariCP', text: /com\.zaxxer\.hikari|HikariPool-\d+ - / },
  { name: 'psycopg2', text: /psycopg2\.(?:errors\.)?\w+/, engine: 'postgres' },
  { name: 'psycopg 3', text: /psycopg\.(?:errors\.)?\w*(?:Error|Exception)\b|psycopg_pool/, engine: 'postgres' },
  { name: 'asyncpg', text: /asyncpg\.(?:exceptions\.)?\w+|[/\\]asyncpg[/\\]\w+\.py/, engine: 'postgres' },
  { name: 'PyMySQL', text: /pymysql\.err\.\w+/, engine: 'mysql' },
  { name: 'mysqlclient', text: /MySQLdb\.(?:_exceptions\.)?\w+/, engine: 'mysql' },
  { name: 'PgJDBC', text: /org\.postgresql\.util\.PSQLException|org\.postgresql\./, engine: 'postgres' },
  { name: 'MariaDB Connector/J', text: /org\.mariadb\.jdbc|java\.sql\.SQL\w*Exception: \(conn=\d+\)/, engine: 'mysql' },
  { name: 'Ruby pg', text: /PG::\w+/, engine: 'postgres' },
  { name: 'PHP PDO', text: /PDOException|SQLSTATE\[[0-9A-Z]{5}\] \[\d+\]/ },
  { name: 'Go lib/pq', text: /\bpq: /, engine: 'postgres' },
  { name: 'Go go-sql-driver/mysql', text: /\[mysql\] |Error \d{4} \([0-9A-Z]{5}\): |driver: bad connection/, engine: 'mysql' },
  { name: 'node-postgres', text: /node_modules\/pg(?:-pool)?\/|\bpg-pool\b/, engine: 'postgres' },
  { name: 'mysql2', text: /node_modules\/mysql2\/|code: '(?:ER_|PROTOCOL_)\w+'/, engine: 'mysql' },
  { name: 'psql', text: /^psql: (?:error: )?/m, engine: 'postgres' },
  { name: 'mariadb/mysql client', text: /^ERROR \d{4} \([0-9A-Z]{5}\)(?: at line \d+)?: /m, engine: 'mysql' },
  { name: 'PgBouncer log', text: /\b[CS]-0x[0-9a-f]+: |pooler error: /, log: true },
  { name: 'PostgreSQL log', text: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ .*?\b(?:FATAL|ERROR|PANIC):  |"error_severity":"(?:FATAL|ERROR)"|,"(?:FATAL|ERROR)","[0-9A-Z]{5}",/m, engine: 'postgres', log: true },
  { name: 'MariaDB log', text: /^\d{4}-\d\d-\d\d\s+\d{1,2}:\d\d:\d\d \d+ \[(?:Warning|ERROR|Note)\] /m, engine: 'mysql', log: true },
  { name: 'Node.js', text: /\bat (?:TCPConnectWrap|Socket|GetAddrInfoReqWrap)\.|Error: (?:connect|getaddrinfo|read|write) E[A-Z]+/ },
  { name: 'Java', text: /\bat [\w$.]+\([\w$]+\.java:\d+\)|java\.(?:net|sql)\.\w+Exception/ },
  { name: 'Go', text: /\bdial tcp |\bdial unix |\b(?:read|write) tcp \S+->/ },
];

/** Every stack the record names, most specific first (a wrapper, then the driver inside it). */
export function stacksOf(record: string): Stack[] {
  return STACKS.filter((s) => s.text.test(record));
}
