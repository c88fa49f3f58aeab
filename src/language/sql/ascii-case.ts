// Upper case as MariaDB's lexer compares keywords and built-in function names: ASCII letters only. JavaScript's
// toUpperCase() folds other letters onto ASCII too (U+017F 'ſ' → 'S', U+0131 'ı' → 'I'), so
// `ſleep(3)` read as SLEEP passed as a built-in while the server called the database's stored function `ſleep`.
export const asciiUpper = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase());
