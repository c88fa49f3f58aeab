// The views a fresh install keeps in sys and mysql, by server version (major.minor): each one's definition, as
// information_schema.VIEWS shows it, by its sha256 (32 hex digits). A read that lists tables makes the server
// prepare every view it lists, evaluating what it folds (`LIKE … ESCAPE f()` ran f): a view there is taken for
// the server's own only when it is a fresh install's, or its definition is proven a read, whoever its definer is
// (an administrator writes any definer: a probe of stop 72). Made from the lab's fresh MariaDB, and compared
// with it by test/hardening/sql-mariadb-stock-views.test.ts.
import { createHash } from 'node:crypto';

const STOCK: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '10.11': {
    'mysql.user': 'dd3c6a4fb396b093cff8fc0fd877bef7',
    'sys.host_summary': 'c498f633a01b03da18b9deb7c1a68d1c',
    'sys.host_summary_by_file_io': 'fad7219bc1a77ca17d307d4815d84207',
    'sys.host_summary_by_file_io_type': 'bc3678b390871ea1278a8ab172eb2a5a',
    'sys.host_summary_by_stages': 'da73f07260badd58b54aff2aaef26fcd',
    'sys.host_summary_by_statement_latency': '29bb8d1084e9cf0b94ae932493e3689c',
    'sys.host_summary_by_statement_type': '33dec34682e6a95c8c75b7309a59c57a',
    'sys.innodb_buffer_stats_by_schema': '1a4dd88cb0a58f27ece4373790fdc1fd',
    'sys.innodb_buffer_stats_by_table': '899b1cbce19831460bc7c83d2d48f5c8',
    'sys.innodb_lock_waits': '7f556a4f85c1fb0f6798afd35fb07688',
    'sys.io_by_thread_by_latency': 'cd8da70fed58d60b8f406489c0134275',
    'sys.io_global_by_file_by_bytes': '15d1d88595a475272cd905d2de0fd2c5',
    'sys.io_global_by_file_by_latency': '237374414063dc77da3208384f04841e',
    'sys.io_global_by_wait_by_bytes': 'aa1c3adf707679eb5fa68d58e4fb51c0',
    'sys.io_global_by_wait_by_latency': '16a195a6c0637e75ac5b0eb372945aa7',
    'sys.latest_file_io': 'f75b4f297294a60dddebe5b3d9be3741',
    'sys.memory_by_host_by_current_bytes': 'b4b11c4a07c9ed40e78a3423a35e88e1',
    'sys.memory_by_thread_by_current_bytes': 'a32b1a8566dcc26e2945544f0e106a84',
    'sys.memory_by_user_by_current_bytes': 'fdb998586125e28ed8ca820f1de895fb',
    'sys.memory_global_by_current_bytes': 'd741c1b3e8ae4fccdded1ec04efd984d',
    'sys.memory_global_total': '2fec3249e3de3719d1b04e3abae5a66a',
    'sys.metrics': '2529b029b1f6f2cb402ff77b9a9f2fc4',
    'sys.processlist': '312748a3ad145dee580cc96e3dce0bc2',
    'sys.ps_check_lost_instrumentation': '51385ce40e66069ed47371fb3313206e',
    'sys.schema_auto_increment_columns': '1c9a42a7c71a29d81e0fccf4916a514e',
    'sys.schema_index_statistics': '5067c784f97dd21d23396ffa846cd57a',
    'sys.schema_object_overview': 'b02daf9d9e01fac4eaa326f71d3658e5',
    'sys.schema_redundant_indexes': '32527b657bcb26346952a07a280d7628',
    'sys.schema_tables_with_full_table_scans': '2e68174fdb60290787ce9d9e0e3b5f92',
    'sys.schema_table_lock_waits': '073d02af2f951d6ec06b817f300d1281',
    'sys.schema_table_statistics': 'f4b7dae4ea8d0c0fa147e5941071c2eb',
    'sys.schema_table_statistics_with_buffer': 'ad190fbb2aa2c5d8f2a7cefe019941d0',
    'sys.schema_unused_indexes': '7ac225cef91407c32951c34929dd58ad',
    'sys.session': '63608b87a7cf937ea3c4350662cc1b71',
    'sys.session_ssl_status': '15e2d416961079b0b1a1cb97d45b60d2',
    'sys.statements_with_errors_or_warnings': 'effbb2855ad94e9177ebc822fd5c1470',
    'sys.statements_with_full_table_scans': '877666008652699baf0e4fab0aa09d95',
    'sys.statements_with_runtimes_in_95th_percentile': '65818501c479c8e19248a212b5aeb008',
    'sys.statements_with_sorting': '9168a6945a8da7d29e1eef03a6693795',
    'sys.statements_with_temp_tables': '219adf7310f8e5bbdeddd60b4829941f',
    'sys.statement_analysis': 'ed6b872644d0e0438760ac68e449f661',
    'sys.user_summary': '088b4c24aee1022fcb5b6c6793c0e1b2',
    'sys.user_summary_by_file_io': 'a2370f4c1588efb8119771db0a5c4432',
    'sys.user_summary_by_file_io_type': 'fcbf75dbd4649d0209f94a4ec23dd832',
    'sys.user_summary_by_stages': '280ddeda82aa8bce349b7c74c4b52ec9',
    'sys.user_summary_by_statement_latency': '2e0eef84bee7330e5e4624cd4c866ddb',
    'sys.user_summary_by_statement_type': '5d01447f5b50478cfba4eb4bd493f808',
    'sys.version': '20badffd368f863ecdd17a54e06cf6c7',
    'sys.waits_by_host_by_latency': '829b846af991dc4211dae3f0d7d1143c',
    'sys.waits_by_user_by_latency': '16edc1fb303ef2dc7459716ed9315cd5',
    'sys.waits_global_by_latency': '92211e21fcd45a9820d815466b13d32c',
    'sys.wait_classes_global_by_avg_latency': '5b2edc81d4ffd8ba66c55e73f31f5c27',
    'sys.wait_classes_global_by_latency': '93c72da69914d16a7f4eacbe7c846e49',
    'sys.x$host_summary': '4be3e75bdeed7ce055e217d4311a7d80',
    'sys.x$host_summary_by_file_io': '8c7cd7fa1f24edcea701867ac12b1014',
    'sys.x$host_summary_by_file_io_type': '43d1af288b13aa5ac0e836c1935ddec7',
    'sys.x$host_summary_by_stages': '3d69f1718851d4f08c199f197aec402c',
    'sys.x$host_summary_by_statement_latency': 'f5227f0297e448da168aea5134c86742',
    'sys.x$host_summary_by_statement_type': '698c5f1f5ed25db51c19102970c452f9',
    'sys.x$innodb_buffer_stats_by_schema': 'aad2b0121bf7bb219edfe7290e0b3436',
    'sys.x$innodb_buffer_stats_by_table': '42b6c3bb2cec1f37276517ab3da15036',
    'sys.x$innodb_lock_waits': 'e14fcb3d316ac3f94f32935068525f8f',
    'sys.x$io_by_thread_by_latency': '8ec01ef3f3bf3ef5ced1396a788d963e',
    'sys.x$io_global_by_file_by_bytes': '71ba6c8ab7201565e1c7f1538909283a',
    'sys.x$io_global_by_file_by_latency': 'b708eae5e4e3492d9111d1c2d718c742',
    'sys.x$io_global_by_wait_by_bytes': 'aaa31b7378a68cacce685d8f375c9ee1',
    'sys.x$io_global_by_wait_by_latency': 'd0fabbbd834f9ccce3e182458677af72',
    'sys.x$latest_file_io': '5eefd06e84e28f612feaa1781bbed3fe',
    'sys.x$memory_by_host_by_current_bytes': '72c1c677a25f92098f99f8e037d0d7b7',
    'sys.x$memory_by_thread_by_current_bytes': 'a524cf8aa031daaba06d05a77689e5db',
    'sys.x$memory_by_user_by_current_bytes': '8e2e092c105b0d116a684a91420a45a1',
    'sys.x$memory_global_by_current_bytes': '3b26582af468b7ed48ce3120c1c7cb75',
    'sys.x$memory_global_total': 'f6db8c46af8f33ade33f49dc2fa43532',
    'sys.x$processlist': 'b525bb25fb3b8b6bd3d8303ec7cd8439',
    'sys.x$ps_digest_95th_percentile_by_avg_us': 'b266bdbe1e8dd6e1dc9e72737ede3f55',
    'sys.x$ps_digest_avg_latency_distribution': '128e905180cbdb685a55c2e09f8c2a04',
    'sys.x$ps_schema_table_statistics_io': '28ce5a59e4a7a369b640735d271db39b',
    'sys.x$schema_flattened_keys': '1f6ab003e17edcca91fd9880868a5d8b',
    'sys.x$schema_index_statistics': '34450d0948aafac6364390027d152a69',
    'sys.x$schema_tables_with_full_table_scans': '553f455dfaafb4e89a04e5208a65fb54',
    'sys.x$schema_table_lock_waits': 'cfe872e3d87912188a67d8d3b2865122',
    'sys.x$schema_table_statistics': 'ed24f1f1bfe8aaf2bde9874cd5f1483f',
    'sys.x$schema_table_statistics_with_buffer': '97ee6312375cc2601073f51619406016',
    'sys.x$session': 'ef57236c353b2f5921c94d2d85815f4f',
    'sys.x$statements_with_errors_or_warnings': 'e9620a831ee036712a7ffd7e55c19080',
    'sys.x$statements_with_full_table_scans': 'ef202090d0d8f7c4508a1a0831f1fd55',
    'sys.x$statements_with_runtimes_in_95th_percentile': 'a2a6f9c8b8c403e53513cef4744bd54e',
    'sys.x$statements_with_sorting': 'dd6e47263348c026bab1b2a6ee14be55',
    'sys.x$statements_with_temp_tables': 'ef0f86ca1068739b7df100bf1a1522b3',
    'sys.x$statement_analysis': '35772b7cf1e7f82cdc9554f3b50b9454',
    'sys.x$user_summary': 'e55b9eecea55356d491bb9e3054ae338',
    'sys.x$user_summary_by_file_io': 'c54683dcc5f1994ac4b23eeb7a4cb9a9',
    'sys.x$user_summary_by_file_io_type': '9a7ecc3a3c96e8d70249a44f8e82c757',
    'sys.x$user_summary_by_stages': '8254db051a4fb405f46297b2275439e7',
    'sys.x$user_summary_by_statement_latency': 'bd29e4d1236bddc60a737d837ac506ad',
    'sys.x$user_summary_by_statement_type': '8c9b8875ea527386fdc9adf0cbb11682',
    'sys.x$waits_by_host_by_latency': '5f1e5ff24a2f4429327a725c4a9b5cb4',
    'sys.x$waits_by_user_by_latency': 'e0c670a8366ee4b69edada0a3b72f9ad',
    'sys.x$waits_global_by_latency': '14538b8a4ec39b9318e8b8d18fd02ba2',
    'sys.x$wait_classes_global_by_avg_latency': '77040bea407b6d0922f04d07a8368ad0',
    'sys.x$wait_classes_global_by_latency': 'bf42c31762e4f770766c6c0c987cdce3',
  },
};

/** '10.11.19-MariaDB-0+deb12u1' → '10.11'. */
export const stockRelease = (version: string): string => /^(\d+\.\d+)/.exec(version)?.[1] ?? '';

/** The fresh install's views of this release ({} for one not listed). */
export const stockViews = (version: string): Readonly<Record<string, string>> => STOCK[stockRelease(version)] ?? {};

export const definitionPrint = (definition: string): string => createHash('sha256').update(definition).digest('hex').slice(0, 32);

/** Whether schema.name with this definition is a fresh install's view of the server's release. */
export function isStockView(version: string, schema: string, name: string, definition: string): boolean {
  const print = stockViews(version)[`${schema}.${name}`];
  return print !== undefined && print === definitionPrint(definition);
}
