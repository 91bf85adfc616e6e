/** Field normalisation Sigma ↔ ECS ↔ Splunk CIM (domain.md §6), as data with user overrides. */
import { FIELD_CONCEPTS, fieldAliases, normaliseField } from '../../src/core/analytics/fields';

describe('normaliseField', () => {
  test.each([
    // The seed: "Sigma's Image, Elastic's process.name, and Splunk's process_name collapse into one row".
    ['Image', 'Image'],
    ['process.name', 'Image'],
    ['process.executable', 'Image'],
    ['Processes.process_path', 'Image'],
    ['Processes.process_name', 'Image'],
    ['process_name', 'Image'],
    ['NewProcessName', 'Image'],
    ['process.command_line', 'CommandLine'],
    ['process.args', 'CommandLine'],
    ['Processes.process', 'CommandLine'],
    ['process', 'CommandLine'],
    ['Process_Command_Line', 'CommandLine'],
    ['process.parent.name', 'ParentImage'],
    ['Processes.parent_process_name', 'ParentImage'],
    ['ParentProcessName', 'ParentImage'],
    ['process.pe.original_file_name', 'OriginalFileName'],
    ['registry.path', 'TargetObject'],
    ['Registry.registry_path', 'TargetObject'],
    ['Registry.registry_key_name', 'TargetObject'],
    ['Registry.registry_value_data', 'Details'],
    ['event.code', 'EventID'],
    ['EventCode', 'EventID'],
    ['dns.question.name', 'QueryName'],
    ['DNS.query', 'QueryName'],
    ['destination.ip', 'DestinationIp'],
    ['All_Traffic.dest_ip', 'DestinationIp'],
    ['dll.name', 'ImageLoaded'],
    ['powershell.file.script_block_text', 'ScriptBlockText'],
  ])('%s → %s', (field, concept) => {
    expect(normaliseField(field)).toBe(concept);
  });

  test('is case-insensitive and trims', () => {
    expect(normaliseField(' PROCESS.NAME ')).toBe('Image');
    expect(normaliseField('image')).toBe('Image');
    expect(normaliseField('processes.PROCESS_NAME')).toBe('Image');
  });

  test('strips vendor decorations: CIM datamodel prefixes, ECS multi-fields, winlog.event_data', () => {
    expect(normaliseField('Processes.original_file_name')).toBe('OriginalFileName');
    expect(normaliseField('Filesystem.file_path')).toBe('TargetFilename');
    expect(normaliseField('process.name.caseless')).toBe('Image');
    expect(normaliseField('winlog.event_data.TargetImage')).toBe('TargetImage');
    expect(normaliseField('winlog.event_data.SomethingNew')).toBe('SomethingNew');
    // The full name wins over the stripped one: Registry.action is EventType, a bare action is not.
    expect(normaliseField('Registry.action')).toBe('EventType');
    expect(normaliseField('action')).toBe('action');
  });

  test('unknown fields pass through unchanged', () => {
    expect(normaliseField('kibana.alert.rule.name')).toBe('kibana.alert.rule.name');
    expect(normaliseField('Processes.brand_new')).toBe('brand_new');
    expect(normaliseField('')).toBe('');
  });

  test('a user table overrides the built-in one, case-insensitively, and may add names', () => {
    const user = { 'process.name': 'ProcessName', 'my.custom.field': 'CommandLine', ignored: 42 as unknown as string };
    expect(normaliseField('process.name', user)).toBe('ProcessName');
    expect(normaliseField('Process.Name.caseless', user)).toBe('ProcessName');
    expect(normaliseField('MY.CUSTOM.FIELD', user)).toBe('CommandLine');
    expect(normaliseField('process.executable', user)).toBe('Image');
    expect(normaliseField('ignored', user)).toBe('ignored');
  });
});

describe('field-concepts.json', () => {
  test('each name belongs to one concept only', () => {
    const seen = new Map<string, string>();
    const dups: string[] = [];
    for (const c of FIELD_CONCEPTS)
      for (const n of fieldAliases(c.concept)) {
        const k = n.toLowerCase();
        if (seen.has(k) && seen.get(k) !== c.concept) dups.push(`${n}: ${seen.get(k)} / ${c.concept}`);
        seen.set(k, c.concept);
      }
    expect(dups).toEqual([]);
  });

  test('covers the §6 table and maps every alias back to its concept', () => {
    expect(FIELD_CONCEPTS.length).toBeGreaterThanOrEqual(45);
    for (const c of FIELD_CONCEPTS) for (const n of fieldAliases(c.concept)) expect(normaliseField(n)).toBe(c.concept);
    expect(fieldAliases('image')).toEqual(expect.arrayContaining(['process.name', 'Processes.process_name', 'process_name', 'NewProcessName']));
    expect(fieldAliases('nope')).toEqual([]);
  });
});

describe('a field is read in the language of its rule', () => {
  test.each([
    // Sigma field names are case-sensitive and only Sigma's own spellings apply.
    ['eventType', 'sigma', 'eventType'], // Okta's event type, not Sysmon's registry EventType
    ['EventType', 'sigma', 'EventType'],
    ['process', 'sigma', 'process'], // OpenSSH's process name, not CIM's command line
    ['Query', 'sigma', 'Query'], // WMI's query, not the DNS query name
    ['Image', 'sigma', 'Image'],
    // Splunk's CIM names, in any case, with the data model prefix stripped.
    ['process', 'splunk', 'CommandLine'],
    ['Processes.PROCESS_NAME', 'splunk', 'Image'],
    ['query', 'splunk', 'QueryName'],
    // Elastic's ECS names: a `registry.` field is ECS, not CIM's Registry data model.
    ['process.name.caseless', 'elastic', 'Image'],
    ['registry.value', 'elastic', 'registry.value'],
    ['winlog.event_data.TargetImage', 'elastic', 'TargetImage'],
  ] as const)('%s in a %s rule → %s', (field, dialect, concept) => {
    expect(normaliseField(field, undefined, dialect)).toBe(concept);
  });

  test('without a dialect every spelling applies, as before', () => {
    expect(normaliseField('eventType')).toBe('EventType');
    expect(normaliseField('process')).toBe('CommandLine');
  });

  test('user overrides apply in every dialect', () => {
    expect(normaliseField('eventType', { eventtype: 'OktaEventType' }, 'sigma')).toBe('OktaEventType');
  });
});
