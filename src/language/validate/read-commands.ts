// The commands a step that is not destructive may run, each with the options reviewed for it (read-options.ts):
// a proof by allowlist. A command is here only when it reads whatever operands it is given, and each option
// listed was checked against its manual to only read; an option not listed (`sort -o`, `ss -K`, `file -C`,
// `date -s`, `rg --pre`, `sort --compress-program`), an abbreviation of a listed one, or a word that may become an
// option at run time is not proven. `anyOptionReads` says the command has no acting option at all (so a value that
// turns into options still reads). Commands with a grammar of their own (sed, awk, find, curl, the verb tools)
// are read in read-programs.ts and read-verbs.ts; everything else is unknown (shell-read-only.ts).
import type { Options } from './read-options.js';

export type { ReadOnlyFinding } from './read-options.js';

/** Shell builtins: they run in bash itself, which may evaluate their arguments (builtin-args.ts). Their words
 *  are not options in the getopt sense (`test -f`, `echo -e`), so only `hash` is read for options. */
export const BUILTINS = new Set(['echo', 'printf', 'true', 'false', ':', 'test', '[', '[[', 'exit', 'return', 'break', 'continue',
  'cd', 'pwd', 'read', 'set', 'shopt', 'unset', 'shift', 'wait', 'type', 'getopts', 'ulimit', 'umask', 'hash']);

const R = (o: Options): Options => ({ ...o, anyOptionReads: true });
const GREP = R({ flags: 'EFGPiyvwxcLloqsbHhnTZzaIrRU', valued: 'efmABCdD', numeric: true,
  long: 'extended-regexp fixed-strings basic-regexp perl-regexp regexp= file= ignore-case no-ignore-case word-regexp line-regexp null-data no-messages invert-match count color[=] colour[=] files-without-match files-with-matches max-count= only-matching quiet silent byte-offset with-filename no-filename label= line-number initial-tab null after-context= before-context= context= text binary-files= devices= directories= exclude= exclude-from= exclude-dir= include= recursive dereference-recursive line-buffered binary' });
const SUMS = R({ flags: 'bctwz', long: 'binary check tag text zero ignore-missing quiet status strict warn' });
const EXPAND = R({ flags: 'ia', valued: 't', numeric: true, long: 'initial tabs= all first-only' });

export const READS: Record<string, Options> = {
  sleep: R({}), hash: { flags: 'rtld' },                          // hash -p PATH NAME: NAME then runs PATH
  // text
  cat: R({ flags: 'AbeEnstTuv', long: 'show-all number-nonblank show-ends number squeeze-blank show-tabs show-nonprinting' }),
  head: R({ flags: 'qvz', valued: 'cn', numeric: true, long: 'bytes= lines= quiet silent verbose zero-terminated' }),
  tail: R({ flags: 'fFqvz', valued: 'cns', numeric: true, long: 'bytes= follow[=] lines= max-unchanged-stats= pid= quiet silent retry sleep-interval= verbose zero-terminated' }),
  grep: GREP, egrep: GREP, fgrep: GREP,   // not zgrep: a script that builds a sed program from file names
  cut: R({ flags: 'snz', valued: 'bcdf', long: 'bytes= characters= delimiter= fields= complement only-delimited output-delimiter= zero-terminated' }),
  tr: R({ flags: 'cCdst', long: 'complement delete squeeze-repeats truncate-set1' }),
  wc: R({ flags: 'cmlLw', long: 'bytes chars lines max-line-length words total=' }), // not --files0-from: names it reads the lint never sees
  nl: R({ flags: 'p', valued: 'bdfhilnsvw', long: 'body-numbering= section-delimiter= footer-numbering= header-numbering= line-increment= join-blank-lines= number-format= no-renumber number-separator= starting-line-number= number-width=' }),
  column: R({ flags: 'txeJ', valued: 'socNn', long: 'table separator= output-separator= table-columns= columns= fillrows json' }),
  paste: R({ flags: 'sz', valued: 'd', long: 'serial delimiters= zero-terminated' }),
  join: R({ flags: 'iz', valued: 'aeotv12', long: 'ignore-case check-order nocheck-order header zero-terminated' }),
  comm: R({ flags: '123z', long: 'check-order nocheck-order output-delimiter= total zero-terminated' }),
  fold: R({ flags: 'bs', valued: 'w', long: 'bytes spaces width=' }),
  rev: R({ flags: '0', long: 'zero' }),
  tac: R({ flags: 'br', valued: 's', long: 'before regex separator=' }),
  strings: R({ flags: 'adfw', valued: 'nteTs', numeric: true, long: 'all data print-file-name bytes= radix= encoding= target= output-separator=' }),
  expand: EXPAND, unexpand: EXPAND,
  fmt: R({ flags: 'cstu', valued: 'pwg', numeric: true, long: 'crown-margin prefix= split-only tagged-paragraph uniform-spacing width= goal=' }),
  diff: R({ flags: 'abBcdeEfHinNpqrstTuwyZ', valued: 'CDFIUWxXS', numeric: true,
    long: 'brief report-identical-files context[=] unified[=] ed normal side-by-side left-column suppress-common-lines show-c-function show-function-line= label= expand-tabs initial-tab tabsize= suppress-blank-empty ignore-case ignore-tab-expansion ignore-trailing-space ignore-space-change ignore-all-space ignore-blank-lines ignore-matching-lines= text strip-trailing-cr recursive no-dereference new-file unidirectional-new-file exclude= exclude-from= starting-file= from-file= to-file= color[=] minimal speed-large-files' }),
  cmp: R({ flags: 'bls', valued: 'in', long: 'print-bytes ignore-initial= verbose bytes= quiet silent' }),
  base64: R({ flags: 'di', valued: 'w', long: 'decode ignore-garbage wrap=' }),
  od: R({ flags: 'bcdfiloxsv', valued: 'AjNtS', optional: 'w', long: 'address-radix= skip-bytes= read-bytes= format= output-duplicates strings[=] width[=] endian= traditional' }),
  hexdump: R({ flags: 'bcCdovx', valued: 'efns', long: 'one-byte-octal one-byte-char canonical two-bytes-decimal two-bytes-octal two-bytes-hex format= format-file= length= skip= no-squeezing color[=]' }),
  md5sum: SUMS, sha1sum: SUMS, sha256sum: SUMS, sha512sum: SUMS,
  // jq has no function that writes or runs anything; `--arg NAME VALUE` takes two words, which only ever read.
  jq: R({ flags: 'ncrjaSCMesRh', valued: 'fL', long: 'null-input compact-output raw-output raw-output0 join-output ascii-output sort-keys color-output monochrome-output exit-status slurp raw-input tab indent= arg= argjson= slurpfile= rawfile= args jsonargs from-file= seq stream stream-errors' }),
  seq: R({ flags: 'w', valued: 'fs', numeric: true, long: 'format= separator= equal-width' }),
  expr: R({ numeric: true }), yes: R({}),
  zcat: R({ flags: 'fqvlLt', valued: 'S', long: 'force quiet verbose list test suffix=' }),
  // not -z/--search-zip: rg then starts a decompressor named by the file's suffix with the path as its argument and
  // no `--` (`zstd -q -d -c -o=PWN.zst` for a file named `-o=PWN.zst`), whose own options the lint never reads: a
  // probe of stop 76 wrote a file with what a pipe gave it. Nor --pre: a program of the author's choosing.
  rg: { flags: 'iSsvwxclFHIoqUuLN0', valued: 'egtTmABCMjfr', numeric: false,
    long: 'ignore-case smart-case case-sensitive invert-match word-regexp line-regexp count count-matches files-with-matches files-without-match fixed-strings with-filename no-filename no-heading heading line-number no-line-number only-matching quiet hidden no-ignore follow json color= colors= glob= iglob= type= type-not= max-count= after-context= before-context= context= max-depth= max-columns= replace= regexp= file= files sort= sortr= trim vimgrep null multiline pcre2 text no-messages' },
  sort: { flags: 'bdfgiMhnRrVcCmsuz', valued: 'kS', long: 'ignore-leading-blanks dictionary-order ignore-case general-numeric-sort ignore-nonprinting month-sort human-numeric-sort numeric-sort random-sort reverse version-sort sort= check[=] merge key= field-separator= stable unique zero-terminated buffer-size= parallel= debug' },
  // xxd reads single-dash long options by their leading letters (`-ps` is -postscript, not -p -s): only whole
  // words of its manual are proven, never a cluster. -r (revert) writes binary: not listed. Its options end at its
  // first operand: in `xxd in -ps` the `-ps` is the file it writes (a probe of stop 67 overwrote a file that way).
  xxd: R({ inOrder: true, singleDash: true, long: 'a autoskip b bits C capitalize d decimal e E EBCDIC i include p ps postscript plain u c= cols= g= groupsize= l= len= o= offset= s= seek= n= name=' }),
  uniq: R({ flags: 'cdDiuz', valued: 'fsw', long: 'count repeated all-repeated[=] ignore-case unique zero-terminated skip-fields= skip-chars= check-chars= group[=]' }),
  // files and the system
  ls: R({ flags: 'aAbBcCdfFgGhHiklLmnNopqQrRsStuUvxXZ1', valued: 'ITw',
    long: 'all almost-all author escape block-size= ignore-backups color[=] directory dired classify[=] file-type format= full-time group-directories-first no-group human-readable si dereference-command-line dereference-command-line-symlink-to-dir hide= hyperlink[=] indicator-style= inode ignore= kibibytes dereference numeric-uid-gid literal hide-control-chars show-control-chars quote-name quoting-style= reverse recursive size sort= time= time-style= tabsize= width= context zero' }),
  stat: R({ flags: 'LfFt', valued: 'c', long: 'dereference file-system cached= format= printf= terse' }),
  // not --sync (listed options only; a value that becomes --sync fails the step: the run re-reads the command
  // with its values, engine/prepare.ts; from xargs' input it flushes the write cache, changing no data).
  df: R({ flags: 'ahHiklPTv', valued: 'Btx', long: 'all block-size= human-readable si inodes local no-sync output[=] portability print-type type= exclude-type= total' }),
  du: R({ flags: 'a0bcDhHklLmPsSx', valued: 'BdtX', long: 'null all apparent-size block-size= bytes total dereference-args max-depth= human-readable inodes dereference count-links no-dereference separate-dirs si summarize threshold= time[=] time-style= exclude-from= exclude= one-file-system' }),
  realpath: R({ flags: 'eLmPqsz', long: 'canonicalize-existing canonicalize-missing logical physical quiet relative-to= relative-base= strip no-symlinks zero' }),
  readlink: R({ flags: 'femnqsvz', long: 'canonicalize canonicalize-existing canonicalize-missing no-newline quiet silent verbose zero' }),
  basename: R({ flags: 'az', valued: 's', long: 'multiple suffix= zero' }), dirname: R({ flags: 'z', long: 'zero' }),
  which: R({ flags: 'as' }), whereis: R({ flags: 'bmsul' }), mountpoint: R({ flags: 'dqx', long: 'fs-devno quiet devno nofollow' }),
  findmnt: R({ flags: 'AabcDefiklmnPrsuUvJ', valued: 'FNOotSTwM', long: 'all ascii bytes canonicalize df evaluate first-only invert kernel list mountpoint= noheadings notruncate output= output-all pairs raw real pseudo fstab mtab submounts source= target= types= options= json uniq nofsroot verify verbose' }),
  lsblk: R({ flags: 'abdDfJlmMnOpPrsStTz', valued: 'eEIoQwx', long: 'all bytes nodeps discard fs json list perms noheadings output= output-all paths pairs raw scsi inverse topology tree exclude= include= sort= width=' }),
  uptime: R({ flags: 'ps', long: 'pretty since' }),
  uname: R({ flags: 'asnrvmpio', long: 'all kernel-name nodename kernel-release kernel-version machine processor hardware-platform operating-system' }),
  id: R({ flags: 'agGnruzZ', long: 'context group groups name real user zero' }), whoami: R({}), groups: R({}),
  who: R({ flags: 'abdHlmpqrstTuw', long: 'all boot dead heading login lookup mesg count process runlevel short time users writable' }),
  w: R({ flags: 'hiusfop', long: 'no-header ignore-user short from old-style ip-addr pids' }),
  printenv: R({ flags: '0', long: 'null' }),
  free: R({ flags: 'bkmghltwvL', valued: 'sc', long: 'bytes kilo mega giga tera peta kibi mebi gibi tebi pebi human wide si lohi total seconds= count= line committed' }),
  vmstat: R({ flags: 'afmnsdDwty', valued: 'pS', long: 'active forks slabs one-header stats disk disk-sum partition= unit= wide timestamp no-first' }),
  iostat: R({ flags: 'cdhkmNtxyz', valued: 'p', long: 'human compact pretty' }), mpstat: R({ flags: 'AuTn', valued: 'PIo' }),
  nproc: R({ long: 'all ignore=' }), getconf: R({ flags: 'a', valued: 'v' }), lscpu: R({ flags: 'abcJxy', long: 'all online offline bytes json hex physical output-all' }),
  // ps has no option that acts; BSD-style letters (`ps aux`) are operands here.
  ps: R({ flags: 'AaCcdeFfHjLlMNnqrSTVvwXxyZ', valued: 'GgOopstUu', long: 'sort= format= pid= ppid= user= cols= columns= forest headers no-headers width= lines= rows= cumulative deselect context group= Group= quick-pid= sid= tty= User= signames info' }),
  pgrep: R({ flags: 'lacfnovwxi', valued: 'dgGPstuUFr', long: 'list-name list-full count delimiter= full newest oldest parent= pgroup= group= session= terminal= euid= uid= inverse lightweight exact pidfile= logpidfile ignore-case ns= nslist= runstates=' }),
  pidof: R({ flags: 'sxcnzq', valued: 'o' }),
  // not -D: it builds and updates a device cache file; and lsof reads `+` words as options too (+M asks the
  // portmapper over TCP: a probe of stop 68), none of them reviewed. So not every option reads: `xargs lsof`,
  // whose words come from its input, is not proven (a probe of stop 69 fed it `+M` through a pipe).
  lsof: { flags: 'lnPRtVwbhUQKNOX', valued: 'AcdegiEFkLmopsSTu', plusOptions: true },
  // not -s/--service: glibc loads libnss_<service>.so.2, and a service with a '/' is a library path (code).
  locale: R({ flags: 'ackmv' }), tty: R({ flags: 's' }), // getent: read-verbs.ts (its databases)
  file: { flags: 'bcdEhiklLNnrsSvz0', valued: 'eFfmP', long: 'brief checking-printout exclude= exclude-quiet= extension files-from= separator= mime mime-type mime-encoding keep-going list dereference no-dereference magic-file= no-pad no-buffer raw special-files uncompress uncompress-noreport null print0 parameter=' },
  // network
  // Not -F/--filter: it reads the filter from a file (or stdin), data the engine does not see, and asks the resolver
  // for the hosts in it (a probe of stop 71 sent a password that way).
  ss: { flags: 'hbeEHinrapmoOsZztuwxSdl046M', valued: 'fAN', long: 'numeric resolve all listening options extended memory processes threads info tos cgroup summary events bpf context contexts no-header oneline family= query= socket= tcp udp dccp raw unix sctp vsock xdp mptcp ipv4 ipv6 packet' },
  netstat: R({ flags: 'acCeFgilMnNoprstTuvwWxZ46', long: 'route interfaces groups statistics masquerade all listening program numeric numeric-hosts numeric-ports numeric-users extend verbose continuous timers tcp udp udplite raw unix wide' }),
  // ping only sends echo requests: no option writes or runs anything (-f floods, as root; a load, not a change).
  ping: R({ flags: 'nq46DOUvRf', valued: 'cWwistIlp' }), ping6: R({ flags: 'nq46DOUvRf', valued: 'cWwistIlp' }),
  // (host, dig, nslookup and pg_isready send what they are given to a server the step names: network clients,
  // never proven: shell-read-only.ts)
  // (traceroute and tracepath send packets to the port a step names: -M tcpconn connected to a listening service,
  // -U sent it a datagram, a probe of stop 69; network clients, never proven)
  // databases: local look-ups
  pg_lsclusters: R({ flags: 'hjs', long: 'no-header json start-conf' }), pg_controldata: R({ valued: 'D', long: 'pgdata=' }),
  pg_config: R({ long: 'bindir docdir htmldir includedir pkgincludedir includedir-server libdir pkglibdir localedir mandir sharedir sysconfdir pgxs configure cc cppflags cflags cflags_sl ldflags ldflags_ex ldflags_sl libs version' }),
};

/** Programs a reviewed program starts by itself (seen under strace; test/language/read-oracle.test.ts holds every
 *  reviewed program to this list): egrep and fgrep are `exec grep -E "$@"`, zcat `exec gzip -cd "$@"`; Debian's pg_config finds the newest
 *  server's with `ls -v … | tail -n1` and runs it; `locale -m` decompresses the charmaps through `gzip -d -c` (its
 *  input to its output). A proven read that starts any other program runs a reading that is not the engine's. */
export const STARTS: Record<string, readonly string[]> = { egrep: ['grep'], fgrep: ['grep'], zcat: ['gzip'], pg_config: ['ls', 'tail', 'pg_config'], locale: ['gzip'] };

/** Commands that write their second operand (`uniq in out`, `xxd in out`). */
export const WRITES_SECOND_FILE = new Set(['uniq', 'xxd']);

/** Commands that read whatever arguments they are given (`xargs CMD` adds arguments from its input): no
 *  option acts, and bash does not evaluate them. */
export const readsAnyArguments = (name: string): boolean =>
  READS[name]?.anyOptionReads === true && !WRITES_SECOND_FILE.has(name);
