/**
 * Notes in the formats found in the wild, verbatim from domain.md §1 (trimmed where it says so).
 */
export const UCC_TECHNIQUE = `---
created: 2020-03-09
last_modified: 2021-07-26
version: 1.0
tactics: Execution
url: https://attack.mitre.org/techniques/T1059/006
platforms: Linux, Windows, macOS
tags: [T1059_006, techniques, Execution]
---

## Command and Scripting Interpreter- Python

### Description

Adversaries may abuse Python commands and scripts for execution.

### Data Sources

  - Command: Command Execution
  -  Process: Process Creation
### Detection Rule

\`\`\`dataview
table without id
file.link AS "Name",
status AS "Status",
level AS "Level",
logsrc_product AS "Log Source Product"
FROM "Detection Rules" AND #T1059_006
\`\`\`

### Rule Testing

\`\`\`dataview
TABLE without id
filename AS "Name"
FROM "atomics" AND #T1059_006
\`\`\`
`;

export const UCC_PARENT_TECHNIQUE = `---
created: 2017-05-31
tactics: Execution
url: https://attack.mitre.org/techniques/T1059
platforms: Linux, macOS, Windows
tags: [T1059, techniques, Execution]
---

## Command and Scripting Interpreter

### Detection Rule

\`\`\`query
tag: detection_rule
tag: T1059
\`\`\`
`;

export const UCC_APPLOCKER_RULE = `---
title: "File Was Not Allowed To Run"
status: "test"
created: "2020/06/28"
last_modified: "2021/11/27"
tags: [execution, t1204_002, t1059_001, t1059_003, t1059_005, t1059_006, t1059_007, detection_rule]
logsrc_product: "windows"
logsrc_service: "applocker"
level: "medium"
---

## File Was Not Allowed To Run

### Description

Detect run not allowed files.

\`\`\`yml
title: File Was Not Allowed To Run
id: 401e5d00-b944-11ea-8f9a-00163ecd60ae
status: test
logsource:
    product: windows
    service: applocker
detection:
    selection:
        EventID:
            - 8004
            - 8007
            - 8022
            - 8025
    condition: selection
level: medium
tags:
    - attack.execution
    - attack.t1204.002
    - attack.t1059.001
    - attack.t1059.003
    - attack.t1059.005
    - attack.t1059.006
    - attack.t1059.007
\`\`\`
`;

export const UCC_PARENT_ONLY_RULE = `---
title: "Python Inline Command Execution"
status: "test"
created: "2023/01/02"
last_modified: ""
tags: [execution, t1059, detection_rule]
logsrc_product: "windows"
logsrc_service: ""
level: "medium"
---

## Python Inline Command Execution

\`\`\`yml
title: Python Inline Command Execution
id: 899133d5-4d7c-4a7f-94ee-27355c879d90
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        CommandLine|contains: ' -c'
    condition: selection
tags:
    - attack.execution
    - attack.t1059
\`\`\`
`;

export const UCC_RUNBOOK = `---
tags: [T1059_006, atomic_test]
filename: "[[T1059.006 - Command and Scripting Interpreter- Python]]"
---
# T1059.006 - Command and Scripting Interpreter: Python

## Atomic Test #1 - Execute shell script via python's command mode arguement
Download and execute shell script and write to file then execute locally using Python -c (command mode)

**Supported Platforms:** Linux

## Atomic Test #2 - Execute Python via scripts
**Supported Platforms:** Linux

## Atomic Test #3 - Execute Python via Python executables
**Supported Platforms:** Linux

## Atomic Test #4 - Python pty module and spawn function used to spawn sh or bash
**Supported Platforms:** Linux
`;

export const UCC_ART_MD = `---
tags: [T1059_006, atomic_test]
filename: "[[T1059.006|T1059.006 - Command and Scripting Interpreter: Python]]"
---

# T1059.006 - Command and Scripting Interpreter: Python
## [Description from ATT&CK](https://attack.mitre.org/techniques/T1059/006)
<blockquote>Adversaries may abuse Python commands and scripts for execution.</blockquote>

## Atomic Tests

- [Atomic Test #1 - Execute shell script via python's command mode arguement](#atomic-test-1)

## Atomic Test #1 - Execute shell script via python's command mode arguement

**Supported Platforms:** Linux

**auto_generated_guid:** 3a95cdb2-c6ea-4761-b24e-02b71889b8bb
`;

export const UCC_INDEX_NOTE = `---
tags: [index, atomic_test]
---
# Index
`;

export const FORK_TECHNIQUE = `---
aliases: 
    - T1059.006
tags: 
    - attack/domain/enterprise_attack
    - attack/has_procedures
    - attack/mitigated
    - attack/subtechnique
    - attack/tactic/execution
    - attack/type/subtechnique
    - platform/esxi
mitre-attack: kb/mitre/attack/techniques/T1059.006-Python
tactic: 
     - Execution
platforms:
     - ESXi - Linux - macOS - Windows
permissions required:
     - none
---

| [[kb/mitre/attack/mitigations/M1033-Limit_Software_Installation\\|M1033]] | Limit Software Installation | Prevent users from installing Python where not required. |
`;

export const UPSTREAM_VINCENZO_TECHNIQUE = `---
aliases: [T1059.006]
mitre-attack: https://attack.mitre.org/techniques/T1059/006
tactic:
    - Execution
---
## Python
`;

export const REUTERAS_TECHNIQUE = `---
aliases:
  - T1059.006
  - Python
  - Python (T1059.006)
  - T1059.006 (Python)
url: https://attack.mitre.org/techniques/T1059/006
tags:
  - technique
  - mitre_attack
  - enterprise-attack
  - Windows
---

> [!info]
> ID: T1059.006
> Sub-technique of: [[Command and Scripting Interpreter - T1059|T1059]]
`;
