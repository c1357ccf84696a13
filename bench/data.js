// Deterministic test data for the benchmark: valid NIKs, booking codes and direct preloading.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A distinct valid NIK for every n < 3 billion: region, birth date DDMMYY (1985), serial. */
function nik(n) {
  const serial = n % 10000;
  const dateIndex = Math.floor(n / 10000) % 336;
  const region = 110000 + Math.floor(n / 3360000);
  const day = String((dateIndex % 28) + 1).padStart(2, '0');
  const month = String(Math.floor(dateIndex / 28) + 1).padStart(2, '0');
  return `${region}${day}${month}85${String(serial).padStart(4, '0')}`;
}

/** A booking code from a number (the app draws random ones; these only need to be valid and distinct). */
function code(n, prefix = 'Z') {
  let s = '';
  let x = n;
  for (let i = 0; i < 9; i++) {
    s = CROCKFORD[x % 32] + s;
    x = Math.floor(x / 32);
  }
  return prefix + s;
}

function applicant(n) {
  return { nik: nik(n), fullName: 'Warga Bench', phone: `0812${String(n % 100000000).padStart(8, '0')}` };
}

/** Runs `sql` with many rows through multi-row INSERTs inside one transaction per chunk. */
async function insertRows(db, table, columns, rows, chunk = 400) {
  const run = (sql, params = []) => new Promise((ok, fail) => db.run(sql, params, (err) => (err ? fail(err) : ok())));
  const placeholders = `(${columns.map(() => '?').join(',')})`;
  const quoted = columns.map((c) => `"${c}"`).join(',');
  for (let i = 0; i < rows.length; i += chunk * 50) {
    await run('BEGIN');
    for (let j = i; j < Math.min(rows.length, i + chunk * 50); j += chunk) {
      const part = rows.slice(j, j + chunk);
      await run(`INSERT INTO ${table} (${quoted}) VALUES ${part.map(() => placeholders).join(',')}`, part.flat());
    }
    await run('COMMIT');
  }
}

module.exports = { nik, code, applicant, insertRows, CROCKFORD };
