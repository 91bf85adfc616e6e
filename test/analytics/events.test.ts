/** Logsource → events (domain.md §7), narrowed or extended by the EventIDs a detection names. */
import { EVENT_TABLES, eventInfo, eventsForRule } from '../../src/core/analytics/events';
import { parseSigmaDetection, type Predicate } from '../../src/core/analytics/sigma';

const detect = (detection: Record<string, unknown>): Predicate[] => parseSigmaDetection({ detection }).predicates;
const short = (evs: ReturnType<typeof eventsForRule>): string[] =>
  evs.map((e) => `${e.provider} ${e.eventId}${e.alternative ? ' (alt)' : ''} via ${e.via}`);

describe('eventsForRule', () => {
  test('process_creation on windows: Sysmon 1, with Security 4688 as an alternative', () => {
    const evs = eventsForRule({ product: 'windows', category: 'process_creation' }, []);
    expect(evs).toEqual([
      { provider: 'Sysmon', eventId: 1, title: 'Process creation', via: 'logsource', channel: 'Microsoft-Windows-Sysmon/Operational' },
      { provider: 'Security', eventId: 4688, title: 'A new process has been created.', via: 'logsource', alternative: true, unverified: true, channel: 'Security' },
    ]);
  });

  test('process_creation on linux: Sysmon for Linux 1', () => {
    expect(short(eventsForRule({ product: 'linux', category: 'process_creation' }, []))).toEqual(['Sysmon for Linux 1 via logsource']);
    expect(eventsForRule({ product: 'macos', category: 'process_creation' }, [])).toEqual([]);
  });

  test('the AppLocker rule: service applocker + 4 EventIDs gives exactly those four', () => {
    const evs = eventsForRule({ product: 'windows', service: 'applocker' }, detect({ selection: { EventID: [8004, 8007, 8022, 8025] }, condition: 'selection' }));
    expect(evs.map((e) => [e.provider, e.eventId, e.title, e.via])).toEqual([
      ['AppLocker', 8004, 'FilePathBuffer was prevented from running.', 'condition'],
      ['AppLocker', 8007, 'FilePathBuffer was prevented from running.', 'condition'],
      ['AppLocker', 8022, 'PackageBuffer was prevented from running.', 'condition'],
      ['AppLocker', 8025, 'PackageBuffer was prevented from running.', 'condition'],
    ]);
    expect(evs.every((e) => !e.unverified)).toBe(true);
    // Without EventIDs the service implies all of 8000–8029.
    expect(eventsForRule({ product: 'windows', service: 'applocker' }, []).map((e) => e.eventId)).toEqual(Array.from({ length: 30 }, (_, i) => 8000 + i));
  });

  test('categories map to Sysmon / PowerShell', () => {
    const ids = (category: string): string[] => short(eventsForRule({ product: 'windows', category }, []));
    expect(ids('registry_event')).toEqual(['Sysmon 12 via logsource', 'Sysmon 13 via logsource', 'Sysmon 14 via logsource', 'Security 4657 (alt) via logsource']);
    expect(ids('pipe_created')).toEqual(['Sysmon 17 via logsource', 'Sysmon 18 via logsource']);
    expect(ids('ps_script')).toEqual(['PowerShell 4104 via logsource']);
    expect(ids('ps_module')).toEqual(['PowerShell 4103 via logsource']);
    expect(ids('ps_classic_start')).toEqual(['Windows PowerShell 400 via logsource']);
    expect(ids('dns_query')).toEqual(['Sysmon 22 via logsource']);
    expect(ids('no_such_category')).toEqual([]);
  });

  test('security rules: events come from the detection, titled from the Security table', () => {
    const evs = eventsForRule(
      { product: 'windows', service: 'security' },
      detect({ selection: { EventID: 4624, LogonType: 3 }, other: { EventCode: '4625' }, condition: 'selection or other' }),
    );
    expect(evs.map((e) => [e.provider, e.eventId, e.title, e.via])).toEqual([
      ['Security', 4624, 'An account was successfully logged on', 'condition'],
      ['Security', 4625, 'An account failed to log on', 'condition'],
    ]);
  });

  test('EventIDs narrow a category, and an explicitly named alternative stops being one', () => {
    expect(short(eventsForRule({ product: 'windows', category: 'registry_event' }, detect({ s: { EventID: 13 }, condition: 's' })))).toEqual(['Sysmon 13 via condition']);
    expect(short(eventsForRule({ product: 'windows', category: 'process_creation' }, detect({ s: { EventID: 4688 }, condition: 's' })))).toEqual([
      'Security 4688 via condition',
    ]);
  });

  test('negated EventIDs are excluded, not added', () => {
    const ps = detect({ s: { Image: 'x' }, filter: { EventID: 16 }, condition: 's and not filter' });
    expect(short(eventsForRule({ product: 'windows', category: 'sysmon_status' }, ps))).toEqual(['Sysmon 4 via logsource']);
    expect(eventsForRule({ product: 'windows', service: 'security' }, ps)).toEqual([]);
  });

  test('unknown titles and services are flagged, never invented', () => {
    const [sys] = eventsForRule({ product: 'windows', service: 'system' }, detect({ s: { EventID: 7040 }, condition: 's' }));
    expect(sys).toMatchObject({ provider: 'System', eventId: 7040, title: '', unverified: true });
    const [other] = eventsForRule({ product: 'windows', service: 'appxdeployment-server' }, detect({ s: { EventID: 400 }, condition: 's' }));
    expect(other).toMatchObject({ provider: 'appxdeployment-server', eventId: 400, title: '', unverified: true });
  });

  test('EventIDs in vendor spellings count, with user field overrides', () => {
    const p: Predicate = { selection: 'q', field: 'event.code', op: 'eq', value: '4104', modifiers: [':'], negated: false };
    expect(short(eventsForRule({ product: 'windows', service: 'powershell' }, [p]))).toEqual(['PowerShell 4104 via condition']);
    const custom = { ...p, field: 'evt_id' };
    expect(eventsForRule({ product: 'windows', service: 'powershell' }, [custom])).toEqual([]);
    expect(short(eventsForRule({ product: 'windows', service: 'powershell' }, [custom], { evt_id: 'EventID' }))).toEqual(['PowerShell 4104 via condition']);
  });

  test('never throws on odd input', () => {
    expect(eventsForRule({}, [])).toEqual([]);
    expect(eventsForRule({ product: 'windows', category: 'constructor' }, [])).toEqual([]);
    expect(eventsForRule({ product: 'toString', service: '__proto__' }, [])).toEqual([]);
    expect(eventsForRule(null as unknown as Record<string, string>, null as unknown as Predicate[])).toEqual([]);
  });
});

describe('events.json', () => {
  test('every event a logsource implies has a title', () => {
    const missing: string[] = [];
    for (const [product, cats] of Object.entries(EVENT_TABLES.categories))
      for (const [cat, sources] of Object.entries(cats))
        for (const s of sources) for (const id of s.ids) if (!eventInfo(s.provider, id)) missing.push(`${product}/${cat}: ${s.provider} ${id}`);
    for (const [svc, info] of Object.entries(EVENT_TABLES.services['windows'] ?? {}))
      for (const id of info.ids ?? []) if (!eventInfo(info.provider, id)) missing.push(`service ${svc}: ${info.provider} ${id}`);
    expect(missing).toEqual([]);
  });

  test('every service names a known provider; AppLocker 8000–8029 are all there, channels on the "prevented" ones', () => {
    for (const info of Object.values(EVENT_TABLES.services['windows'] ?? {})) expect(EVENT_TABLES.providers[info.provider]).toBeDefined();
    expect(EVENT_TABLES.providers['AppLocker']!.events.map((e) => e.id)).toEqual(Array.from({ length: 30 }, (_, i) => 8000 + i));
    expect(eventInfo('AppLocker', 8004)).toMatchObject({ channel: 'Microsoft-Windows-AppLocker/EXE and DLL' });
    expect(eventInfo('AppLocker', 8025)).toMatchObject({ channel: 'Microsoft-Windows-AppLocker/Packaged app-Deployment' });
    expect(eventInfo('Sysmon', 16)?.unverified).toBe(true);
  });
});
