
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'wzt' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'wzt'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'wzt' {
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create an actor project from a template: http-hello, kv-counter, msg-greeter, msg-front or command')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Manage ed25519 keys (nkeys format) in the key store')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign modules or components: embed claims signed by an account key')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show the claims of a module or component, and its imports against its grants')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify signatures and claims against a trust policy')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Work with trust policy files')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Verify an actor, then push it to an OCI registry')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Fetch an actor from an OCI registry, verify it, then write it')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Verify an actor and run it: serve an HTTP actor, or run a command once')
            [CompletionResult]::new('dev', 'dev', [CompletionResultType]::ParameterValue, 'Build, sign and serve the project in this directory, and reload it when its sources change')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build the project here, sign the artifact, and verify the signed file')
            [CompletionResult]::new('attest', 'attest', [CompletionResultType]::ParameterValue, 'Write a signed provenance (an in-toto statement with SLSA provenance, in a DSSE envelope) for an artifact built elsewhere')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check what wzt needs: the Rust toolchain and wasm targets a project build uses, the key store and its default keys, the compile cache, the project file here, and the clock')
            [CompletionResult]::new('lattice', 'lattice', [CompletionResultType]::ParameterValue, 'Work with a lattice: endorse and revoke hosts, and publish, request or watch messages')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('claims', 'claims', [CompletionResultType]::ParameterValue, 'wash''s `claims sign` and `claims inspect`, as `wzt sign` and `wzt inspect`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wzt;new' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'The template [default: ask on a terminal, else http-hello]')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'The template [default: ask on a terminal, else http-hello]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the templates, one line each, and create nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;keys' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('gen', 'gen', [CompletionResultType]::ParameterValue, 'Generate a key pair and save its seed as <NAME>.nk')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stored keys')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a stored key''s public key and role')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Store an existing seed, or someone else''s public key, under NAME')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a stored key''s seed with a passphrase, in the age format')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a stored key: NAME.nk holds the bare seed again and NAME.pub is removed')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a stored key (asks first; without a terminal, requires --yes). Removing a public-only key untrusts it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wzt;keys;gen' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name to save the key under [default: the role]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--encrypt', '--encrypt', [CompletionResultType]::ParameterName, 'Encrypt the seed with a passphrase (age format); the public key goes to <NAME>.pub')
            [CompletionResult]::new('--no-save', '--no-save', [CompletionResultType]::ParameterName, 'Print the seed instead of saving it; nothing is stored')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing key of the same name (asks first on a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;keys;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;keys;show' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Also print the seed (the secret)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;keys;import' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--encrypt', '--encrypt', [CompletionResultType]::ParameterName, 'Encrypt the seed with a passphrase (age format); the public key goes to <NAME>.pub')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing key of the same name (asks first on a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;keys;encrypt' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;keys;decrypt' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;keys;rm' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;keys;help' {
            [CompletionResult]::new('gen', 'gen', [CompletionResultType]::ParameterValue, 'Generate a key pair and save its seed as <NAME>.nk')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stored keys')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a stored key''s public key and role')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Store an existing seed, or someone else''s public key, under NAME')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a stored key''s seed with a passphrase, in the age format')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a stored key: NAME.nk holds the bare seed again and NAME.pub is removed')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a stored key (asks first; without a terminal, requires --yes). Removing a public-only key untrusts it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wzt;keys;help;gen' {
            break
        }
        'wzt;keys;help;list' {
            break
        }
        'wzt;keys;help;show' {
            break
        }
        'wzt;keys;help;import' {
            break
        }
        'wzt;keys;help;encrypt' {
            break
        }
        'wzt;keys;help;decrypt' {
            break
        }
        'wzt;keys;help;rm' {
            break
        }
        'wzt;keys;help;help' {
            break
        }
        'wzt;sign' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Capabilities to grant, comma separated, repeatable: aliases (http, httpclient, kv, msg, log, blob, config, fs, net, rand), contract ids, `auto` for exactly what the artifact imports, or `none` for no grants. Required for an artifact that imports or exports something a capability covers (signed without grants, it could not run)')
            [CompletionResult]::new('--caps', '--caps', [CompletionResultType]::ParameterName, 'Capabilities to grant, comma separated, repeatable: aliases (http, httpclient, kv, msg, log, blob, config, fs, net, rand), contract ids, `auto` for exactly what the artifact imports, or `none` for no grants. Required for an artifact that imports or exports something a capability covers (signed without grants, it could not run)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Actor name [default: the file stem]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Actor name [default: the file stem]')
            [CompletionResult]::new('--ver', '--ver', [CompletionResultType]::ParameterName, 'Human-friendly version, e.g. 1.2.0 (no short flag: `-v` reads as "verbose")')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Revision number')
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Revision number')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'A tag (repeatable; no short flag: `-t` is `wzt new --template`)')
            [CompletionResult]::new('--call-alias', '--call-alias', [CompletionResultType]::ParameterName, 'Alias to call the actor by: lower-case letters, digits, ''_'' and ''/''')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'When the claims expire: a duration from now (90m, 12h, 30d) or an RFC 3339 time')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'When the claims expire: a duration from now (90m, 12h, 30d) or an RFC 3339 time')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'When the claims become valid: a duration from now or an RFC 3339 time')
            [CompletionResult]::new('--not-before', '--not-before', [CompletionResultType]::ParameterName, 'When the claims become valid: a duration from now or an RFC 3339 time')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Scope a granted capability to one resource, KIND=VALUE (repeatable): kv.bucket=app, httpclient.host=api.example.com:443 (`[scheme://]host[:port]`, `*.` wildcard), msg.publish=''orders.>'' or msg.subscribe=greet (NATS wildcards), config.key=greeting. Replaces the project''s [actor.scopes]')
            [CompletionResult]::new('--scopes-from', '--scopes-from', [CompletionResultType]::ParameterName, 'Scope the grants to exactly the resources this trace shows used (a --trace-file of `wzt run` or `wzt dev`); a granted capability the trace never used reaches nothing')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file (one input only) [default: <stem>_s.wasm beside the input]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file (one input only) [default: <stem>_s.wasm beside the input]')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write outputs to this directory, as <stem>_s.wasm')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--disable-keygen', '--disable-keygen', [CompletionResultType]::ParameterName, 'Fail instead of generating a missing default key')
            [CompletionResult]::new('--generate-keys', '--generate-keys', [CompletionResultType]::ParameterName, 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace each input with its signed version')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;inspect' {
            [CompletionResult]::new('--against', '--against', [CompletionResultType]::ParameterName, 'Compare with an older version (a file or oci://REF): list the grants and scopes this one adds, and exit 1 when it reaches anything the old one could not (a release gate)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]')
            [CompletionResult]::new('--registry-timeout', '--registry-timeout', [CompletionResultType]::ParameterName, 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--jwt-only', '--jwt-only', [CompletionResultType]::ParameterName, 'Print only the raw token (exit 1 when there is none)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;verify' {
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]')
            [CompletionResult]::new('--trusted-issuer', '--trusted-issuer', [CompletionResultType]::ParameterName, 'Trust this issuer: an account public key or a store key name (repeatable)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]')
            [CompletionResult]::new('--require-cap', '--require-cap', [CompletionResultType]::ParameterName, 'Require this capability to be granted (repeatable)')
            [CompletionResult]::new('--allow-cap', '--allow-cap', [CompletionResultType]::ParameterName, 'Reject grants outside these capabilities (repeatable)')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Reject tokens issued longer ago than this, e.g. 90d')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Reject this token id (jti) or subject key (repeatable)')
            [CompletionResult]::new('--allow-scope', '--allow-scope', [CompletionResultType]::ParameterName, 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=''*.example.com'' (repeatable)')
            [CompletionResult]::new('--source-repo', '--source-repo', [CompletionResultType]::ParameterName, 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)')
            [CompletionResult]::new('--provenance', '--provenance', [CompletionResultType]::ParameterName, 'The artifact''s provenance (a DSSE-signed in-toto statement) [default: <stem>.intoto.json beside the file; for oci://REF, the registry''s referrer]. Checked when given, and whenever the policy requires provenance')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]')
            [CompletionResult]::new('--registry-timeout', '--registry-timeout', [CompletionResultType]::ParameterName, 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--allow-unsigned', '--allow-unsigned', [CompletionResultType]::ParameterName, 'Accept artifacts that carry no signature')
            [CompletionResult]::new('--require-expiry', '--require-expiry', [CompletionResultType]::ParameterName, 'Reject tokens that never expire')
            [CompletionResult]::new('--require-name-version', '--require-name-version', [CompletionResultType]::ParameterName, 'Reject claims without a name and a version')
            [CompletionResult]::new('--require-scoped', '--require-scoped', [CompletionResultType]::ParameterName, 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes')
            [CompletionResult]::new('--require-provenance', '--require-provenance', [CompletionResultType]::ParameterName, 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry''s referrer)')
            [CompletionResult]::new('--require-clean-tree', '--require-clean-tree', [CompletionResultType]::ParameterName, 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;policy' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented policy file to start from')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wzt;policy;init' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;policy;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented policy file to start from')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wzt;policy;help;init' {
            break
        }
        'wzt;policy;help;help' {
            break
        }
        'wzt;push' {
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]')
            [CompletionResult]::new('--registry-timeout', '--registry-timeout', [CompletionResultType]::ParameterName, 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]')
            [CompletionResult]::new('--trusted-issuer', '--trusted-issuer', [CompletionResultType]::ParameterName, 'Trust this issuer: an account public key or a store key name (repeatable)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]')
            [CompletionResult]::new('--require-cap', '--require-cap', [CompletionResultType]::ParameterName, 'Require this capability to be granted (repeatable)')
            [CompletionResult]::new('--allow-cap', '--allow-cap', [CompletionResultType]::ParameterName, 'Reject grants outside these capabilities (repeatable)')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Reject tokens issued longer ago than this, e.g. 90d')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Reject this token id (jti) or subject key (repeatable)')
            [CompletionResult]::new('--allow-scope', '--allow-scope', [CompletionResultType]::ParameterName, 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=''*.example.com'' (repeatable)')
            [CompletionResult]::new('--source-repo', '--source-repo', [CompletionResultType]::ParameterName, 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--provenance', '--provenance', [CompletionResultType]::ParameterName, 'The artifact''s provenance (a DSSE-signed in-toto statement) [default: <stem>.intoto.json beside the file; for oci://REF, the registry''s referrer]. Checked when given, and whenever the policy requires provenance')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--allow-latest', '--allow-latest', [CompletionResultType]::ParameterName, 'Push to the tag `latest` (refused otherwise: a moving tag is overwritten only on purpose)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts')
            [CompletionResult]::new('--allow-unsigned', '--allow-unsigned', [CompletionResultType]::ParameterName, 'Accept artifacts that carry no signature')
            [CompletionResult]::new('--require-expiry', '--require-expiry', [CompletionResultType]::ParameterName, 'Reject tokens that never expire')
            [CompletionResult]::new('--require-name-version', '--require-name-version', [CompletionResultType]::ParameterName, 'Reject claims without a name and a version')
            [CompletionResult]::new('--require-scoped', '--require-scoped', [CompletionResultType]::ParameterName, 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes')
            [CompletionResult]::new('--require-provenance', '--require-provenance', [CompletionResultType]::ParameterName, 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry''s referrer)')
            [CompletionResult]::new('--require-clean-tree', '--require-clean-tree', [CompletionResultType]::ParameterName, 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;pull' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the actor [default: the repository''s last name, .wasm, here]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write the actor [default: the repository''s last name, .wasm, here]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]')
            [CompletionResult]::new('--registry-timeout', '--registry-timeout', [CompletionResultType]::ParameterName, 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]')
            [CompletionResult]::new('--trusted-issuer', '--trusted-issuer', [CompletionResultType]::ParameterName, 'Trust this issuer: an account public key or a store key name (repeatable)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]')
            [CompletionResult]::new('--require-cap', '--require-cap', [CompletionResultType]::ParameterName, 'Require this capability to be granted (repeatable)')
            [CompletionResult]::new('--allow-cap', '--allow-cap', [CompletionResultType]::ParameterName, 'Reject grants outside these capabilities (repeatable)')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Reject tokens issued longer ago than this, e.g. 90d')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Reject this token id (jti) or subject key (repeatable)')
            [CompletionResult]::new('--allow-scope', '--allow-scope', [CompletionResultType]::ParameterName, 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=''*.example.com'' (repeatable)')
            [CompletionResult]::new('--source-repo', '--source-repo', [CompletionResultType]::ParameterName, 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the output file when it exists (never anything but a regular file)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts')
            [CompletionResult]::new('--allow-unsigned', '--allow-unsigned', [CompletionResultType]::ParameterName, 'Accept artifacts that carry no signature')
            [CompletionResult]::new('--require-expiry', '--require-expiry', [CompletionResultType]::ParameterName, 'Reject tokens that never expire')
            [CompletionResult]::new('--require-name-version', '--require-name-version', [CompletionResultType]::ParameterName, 'Reject claims without a name and a version')
            [CompletionResult]::new('--require-scoped', '--require-scoped', [CompletionResultType]::ParameterName, 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes')
            [CompletionResult]::new('--require-provenance', '--require-provenance', [CompletionResultType]::ParameterName, 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry''s referrer)')
            [CompletionResult]::new('--require-clean-tree', '--require-clean-tree', [CompletionResultType]::ParameterName, 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;run' {
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'Send one request in-process instead of listening, e.g. ''GET /'' or ''POST /items''; print the response body; exit 0 for 2xx/3xx, 1 otherwise')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A request header, K:V (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A request header, K:V (repeatable)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'The request body: text, or @FILE to read it from a file')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'The request body: text, or @FILE to read it from a file')
            [CompletionResult]::new('--caps', '--caps', [CompletionResultType]::ParameterName, 'Capabilities granted to an unsigned actor run with --allow-unsigned (none by default), or `auto` for exactly what it imports (still checked against the policy''s allowed_caps); a signed actor''s grants are its claims')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Deliver a message to the actor''s wasmcloud:messaging handler before anything else, SUBJECT=PAYLOAD (repeatable)')
            [CompletionResult]::new('--subscribe', '--subscribe', [CompletionResultType]::ParameterName, 'With --lattice: deliver messages on SUBJECT (NATS wildcards allowed) to the actor''s wasmcloud:messaging handler once they pass every check, through a queue group named after the actor, so hosts running the same actor share them (repeatable)')
            [CompletionResult]::new('--lattice', '--lattice', [CompletionResultType]::ParameterName, 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)')
            [CompletionResult]::new('--nats-nkey', '--nats-nkey', [CompletionResultType]::ParameterName, 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server''s configuration')
            [CompletionResult]::new('--nats-ca', '--nats-ca', [CompletionResultType]::ParameterName, 'Trust this CA (a PEM file) for the NATS server''s certificate, instead of the system''s CAs; TLS is then required, also with a nats:// URL')
            [CompletionResult]::new('--lattice-name', '--lattice-name', [CompletionResultType]::ParameterName, 'The lattice''s name: hosts of other lattices on the same NATS server are refused (letters, digits, ''_'', ''-'')')
            [CompletionResult]::new('--cluster-key', '--cluster-key', [CompletionResultType]::ParameterName, 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]')
            [CompletionResult]::new('--host-key', '--host-key', [CompletionResultType]::ParameterName, 'This host''s server key (store name, generated on first use) [default: a new key for this run only]')
            [CompletionResult]::new('--endorsement', '--endorsement', [CompletionResultType]::ParameterName, 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key''s public key, instead of endorsing this host with a cluster key held here')
            [CompletionResult]::new('--trusted-cluster', '--trusted-cluster', [CompletionResultType]::ParameterName, 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]')
            [CompletionResult]::new('--max-endorsement', '--max-endorsement', [CompletionResultType]::ParameterName, 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host''s own too) [default: the policy''s max_endorsement, else 24h]')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Where to serve an HTTP actor: PORT (on 127.0.0.1), IP:PORT, or localhost:PORT; port 0 picks a free one (also --addr)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'An environment variable for the actor, K=V (repeatable)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'An environment variable for the actor, K=V (repeatable)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Preopen a host directory for the guest, HOST[::GUEST] (needs the fs capability)')
            [CompletionResult]::new('--max-memory', '--max-memory', [CompletionResultType]::ParameterName, 'Linear memory per instance, e.g. 512MiB')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Wall-clock deadline per invocation, e.g. 30s or 500ms')
            [CompletionResult]::new('--max-concurrent', '--max-concurrent', [CompletionResultType]::ParameterName, 'Invocations running at once; more wait')
            [CompletionResult]::new('--keep-resident', '--keep-resident', [CompletionResultType]::ParameterName, 'Memory kept resident per instance slot between invocations and reset in place (only the pages an invocation touched); 0 returns it all to the kernel after each invocation (slower: page faults and TLB shootdowns on every request). More is faster for actors that touch more memory, and holds more while idle')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Choose a provider for one capability, CAP=KIND: kv=sqlite, kv=memory, httpclient=local or httpclient=mock (repeatable)')
            [CompletionResult]::new('--kv-path', '--kv-path', [CompletionResultType]::ParameterName, 'The local key-value SQLite file (created 0600)')
            [CompletionResult]::new('--kv-namespace', '--kv-namespace', [CompletionResultType]::ParameterName, 'The key-value namespace in that file [default: the actor''s subject key, so actors do not see each other''s data]; give two actors the same NAME to share data on purpose')
            [CompletionResult]::new('--kv-quota', '--kv-quota', [CompletionResultType]::ParameterName, 'Refuse key-value writes once the namespace holds this much, e.g. 10MiB')
            [CompletionResult]::new('--kv-seed', '--kv-seed', [CompletionResultType]::ParameterName, 'Seed the in-memory key-value store from JSON: {"bucket": {"key": "value"}}; only these buckets exist then')
            [CompletionResult]::new('--kv-dump', '--kv-dump', [CompletionResultType]::ParameterName, 'Write the in-memory key-value store to this JSON file when the run ends')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Show wasi:logging lines at this level and above: trace, debug, info, warn, error, critical')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'A wasi:config value, K=V (repeatable; overrides --config-file)')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'wasi:config values from a TOML file of `key = "value"` lines')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'Allow outgoing HTTP to this host: api.example.com, *.example.com, host:port, [::1]:port, and https:// or http:// in front for that scheme only (repeatable)')
            [CompletionResult]::new('--http-fixtures', '--http-fixtures', [CompletionResultType]::ParameterName, 'Answer outgoing HTTP from this TOML file of [[response]] entries (method, url with `*`, status, headers, body) instead of the network; implies the mock HTTP client')
            [CompletionResult]::new('--msg-replies', '--msg-replies', [CompletionResultType]::ParameterName, 'Answer the actor''s messaging requests from this TOML file of [[reply]] entries (subject, with NATS `*` and `>` wildcards, and body)')
            [CompletionResult]::new('--trace-file', '--trace-file', [CompletionResultType]::ParameterName, 'Write every capability call to this file as JSON lines')
            [CompletionResult]::new('--console-listen', '--console-listen', [CompletionResultType]::ParameterName, 'Where the console listens (implies --console) [default: 127.0.0.1 on a free port]. An address beyond loopback lets other machines reach it (it says so at startup)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]')
            [CompletionResult]::new('--trusted-issuer', '--trusted-issuer', [CompletionResultType]::ParameterName, 'Trust this issuer: an account public key or a store key name (repeatable)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]')
            [CompletionResult]::new('--require-cap', '--require-cap', [CompletionResultType]::ParameterName, 'Require this capability to be granted (repeatable)')
            [CompletionResult]::new('--allow-cap', '--allow-cap', [CompletionResultType]::ParameterName, 'Reject grants outside these capabilities (repeatable)')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Reject tokens issued longer ago than this, e.g. 90d')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Reject this token id (jti) or subject key (repeatable)')
            [CompletionResult]::new('--allow-scope', '--allow-scope', [CompletionResultType]::ParameterName, 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=''*.example.com'' (repeatable)')
            [CompletionResult]::new('--source-repo', '--source-repo', [CompletionResultType]::ParameterName, 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)')
            [CompletionResult]::new('--provenance', '--provenance', [CompletionResultType]::ParameterName, 'The artifact''s provenance (a DSSE-signed in-toto statement) [default: <stem>.intoto.json beside the file; for oci://REF, the registry''s referrer]. Checked when given, and whenever the policy requires provenance')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]')
            [CompletionResult]::new('--registry-timeout', '--registry-timeout', [CompletionResultType]::ParameterName, 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--build', '--build', [CompletionResultType]::ParameterName, 'For a project (no ACTOR, or DIR): build and sign it first, as `wzt build` does')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers before the body (curl''s -i; in wzt, -i is --issuer)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no startup block (what runs, the policy and trust it passed, its grants and limits); what the actor does and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no startup block (what runs, the policy and trust it passed, its grants and limits); what the actor does and errors are still printed')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Compile without reading or writing the compile cache ($XDG_CACHE_HOME/wzt)')
            [CompletionResult]::new('--mock-caps', '--mock-caps', [CompletionResultType]::ParameterName, 'Use mock providers: in-memory key-value (seed with --kv-seed, dump with --kv-dump), nothing persisted')
            [CompletionResult]::new('--trace-caps', '--trace-caps', [CompletionResultType]::ParameterName, 'Print every capability call on stderr: actor, interface.function, arguments, result, duration')
            [CompletionResult]::new('--console', '--console', [CompletionResultType]::ParameterName, 'Serve a live web console beside the actor: requests with their headers and capability calls, denials with their fix, logs and output, traps, dev builds and reloads, claims and grants, key-value contents, lattice verdicts. Its URL, with a secret token, is printed at startup (`console: http://127.0.0.1:PORT/#token=…`)')
            [CompletionResult]::new('--allow-unsigned', '--allow-unsigned', [CompletionResultType]::ParameterName, 'Accept artifacts that carry no signature')
            [CompletionResult]::new('--require-expiry', '--require-expiry', [CompletionResultType]::ParameterName, 'Reject tokens that never expire')
            [CompletionResult]::new('--require-name-version', '--require-name-version', [CompletionResultType]::ParameterName, 'Reject claims without a name and a version')
            [CompletionResult]::new('--require-scoped', '--require-scoped', [CompletionResultType]::ParameterName, 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes')
            [CompletionResult]::new('--require-provenance', '--require-provenance', [CompletionResultType]::ParameterName, 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry''s referrer)')
            [CompletionResult]::new('--require-clean-tree', '--require-clean-tree', [CompletionResultType]::ParameterName, 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;dev' {
            [CompletionResult]::new('--debounce', '--debounce', [CompletionResultType]::ParameterName, 'How long changes must settle before a rebuild starts')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Where to serve an HTTP actor: PORT (on 127.0.0.1), IP:PORT, or localhost:PORT; port 0 picks a free one (also --addr)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'An environment variable for the actor, K=V (repeatable)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'An environment variable for the actor, K=V (repeatable)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Preopen a host directory for the guest, HOST[::GUEST] (needs the fs capability)')
            [CompletionResult]::new('--max-memory', '--max-memory', [CompletionResultType]::ParameterName, 'Linear memory per instance, e.g. 512MiB')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Wall-clock deadline per invocation, e.g. 30s or 500ms')
            [CompletionResult]::new('--max-concurrent', '--max-concurrent', [CompletionResultType]::ParameterName, 'Invocations running at once; more wait')
            [CompletionResult]::new('--keep-resident', '--keep-resident', [CompletionResultType]::ParameterName, 'Memory kept resident per instance slot between invocations and reset in place (only the pages an invocation touched); 0 returns it all to the kernel after each invocation (slower: page faults and TLB shootdowns on every request). More is faster for actors that touch more memory, and holds more while idle')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Choose a provider for one capability, CAP=KIND: kv=sqlite, kv=memory, httpclient=local or httpclient=mock (repeatable)')
            [CompletionResult]::new('--kv-path', '--kv-path', [CompletionResultType]::ParameterName, 'The local key-value SQLite file (created 0600)')
            [CompletionResult]::new('--kv-namespace', '--kv-namespace', [CompletionResultType]::ParameterName, 'The key-value namespace in that file [default: the actor''s subject key, so actors do not see each other''s data]; give two actors the same NAME to share data on purpose')
            [CompletionResult]::new('--kv-quota', '--kv-quota', [CompletionResultType]::ParameterName, 'Refuse key-value writes once the namespace holds this much, e.g. 10MiB')
            [CompletionResult]::new('--kv-seed', '--kv-seed', [CompletionResultType]::ParameterName, 'Seed the in-memory key-value store from JSON: {"bucket": {"key": "value"}}; only these buckets exist then')
            [CompletionResult]::new('--kv-dump', '--kv-dump', [CompletionResultType]::ParameterName, 'Write the in-memory key-value store to this JSON file when the run ends')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Show wasi:logging lines at this level and above: trace, debug, info, warn, error, critical')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'A wasi:config value, K=V (repeatable; overrides --config-file)')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'wasi:config values from a TOML file of `key = "value"` lines')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'Allow outgoing HTTP to this host: api.example.com, *.example.com, host:port, [::1]:port, and https:// or http:// in front for that scheme only (repeatable)')
            [CompletionResult]::new('--http-fixtures', '--http-fixtures', [CompletionResultType]::ParameterName, 'Answer outgoing HTTP from this TOML file of [[response]] entries (method, url with `*`, status, headers, body) instead of the network; implies the mock HTTP client')
            [CompletionResult]::new('--msg-replies', '--msg-replies', [CompletionResultType]::ParameterName, 'Answer the actor''s messaging requests from this TOML file of [[reply]] entries (subject, with NATS `*` and `>` wildcards, and body)')
            [CompletionResult]::new('--trace-file', '--trace-file', [CompletionResultType]::ParameterName, 'Write every capability call to this file as JSON lines')
            [CompletionResult]::new('--console-listen', '--console-listen', [CompletionResultType]::ParameterName, 'Where the console listens (implies --console) [default: 127.0.0.1 on a free port]. An address beyond loopback lets other machines reach it (it says so at startup)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--disable-keygen', '--disable-keygen', [CompletionResultType]::ParameterName, 'Fail instead of generating a missing default key')
            [CompletionResult]::new('--generate-keys', '--generate-keys', [CompletionResultType]::ParameterName, 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no startup block (what runs, the policy and trust it passed, its grants and limits); what the actor does and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no startup block (what runs, the policy and trust it passed, its grants and limits); what the actor does and errors are still printed')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Compile without reading or writing the compile cache ($XDG_CACHE_HOME/wzt)')
            [CompletionResult]::new('--mock-caps', '--mock-caps', [CompletionResultType]::ParameterName, 'Use mock providers: in-memory key-value (seed with --kv-seed, dump with --kv-dump), nothing persisted')
            [CompletionResult]::new('--trace-caps', '--trace-caps', [CompletionResultType]::ParameterName, 'Print every capability call on stderr: actor, interface.function, arguments, result, duration')
            [CompletionResult]::new('--console', '--console', [CompletionResultType]::ParameterName, 'Serve a live web console beside the actor: requests with their headers and capability calls, denials with their fix, logs and output, traps, dev builds and reloads, claims and grants, key-value contents, lattice verdicts. Its URL, with a secret token, is printed at startup (`console: http://127.0.0.1:PORT/#token=…`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;build' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'Run the project''s `build.release_command` (without one, its build command, which in the templates builds in release mode already)')
            [CompletionResult]::new('--disable-keygen', '--disable-keygen', [CompletionResultType]::ParameterName, 'Fail instead of generating a missing default key')
            [CompletionResult]::new('--generate-keys', '--generate-keys', [CompletionResultType]::ParameterName, 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;attest' {
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The git checkout the artifact was built from')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Account key that signs the provenance: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`]')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Account key that signs the provenance: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write it [default: <stem>.intoto.json beside FILE]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write it [default: <stem>.intoto.json beside FILE]')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the output when it exists')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;doctor' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;lattice' {
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('endorse', 'endorse', [CompletionResultType]::ParameterValue, 'Endorse a host''s server key with a cluster key, for a host that must not hold the cluster seed: start it with `wzt run … --host-key NAME --endorsement FILE`')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish one signed message')
            [CompletionResult]::new('request', 'request', [CompletionResultType]::ParameterValue, 'Send one signed request and print the reply that passes every check (exit 1 when none comes in time)')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Watch a subject: print each message with its origin actor and host and the verdict of every check, without delivering anything (token ids are checked for replays by this process only, so watching never takes an id from the hosts that will receive it)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke hosts lattice-wide: every host drops their messages from now on (code `revoked`), also hosts that start later (the revocation is stored in the lattice''s JetStream bucket)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wzt;lattice;endorse' {
            [CompletionResult]::new('--cluster-key', '--cluster-key', [CompletionResultType]::ParameterName, 'The cluster key (store name, generated on first use) that signs [default: cluster]')
            [CompletionResult]::new('--lattice-name', '--lattice-name', [CompletionResultType]::ParameterName, 'The lattice the endorsement is for')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'How long the endorsement is valid, e.g. 12h (at most --max-endorsement)')
            [CompletionResult]::new('--max-endorsement', '--max-endorsement', [CompletionResultType]::ParameterName, 'The longest endorsement made: hosts refuse longer ones (their --max-endorsement or policy max_endorsement, 24h unless set)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the endorsement to FILE instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the endorsement to FILE instead of standard output')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;lattice;pub' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'The body: text, or @FILE')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'The body: text, or @FILE')
            [CompletionResult]::new('--lattice', '--lattice', [CompletionResultType]::ParameterName, 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)')
            [CompletionResult]::new('--nats-nkey', '--nats-nkey', [CompletionResultType]::ParameterName, 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server''s configuration')
            [CompletionResult]::new('--nats-ca', '--nats-ca', [CompletionResultType]::ParameterName, 'Trust this CA (a PEM file) for the NATS server''s certificate, instead of the system''s CAs; TLS is then required, also with a nats:// URL')
            [CompletionResult]::new('--lattice-name', '--lattice-name', [CompletionResultType]::ParameterName, 'The lattice''s name: hosts of other lattices on the same NATS server are refused (letters, digits, ''_'', ''-'')')
            [CompletionResult]::new('--cluster-key', '--cluster-key', [CompletionResultType]::ParameterName, 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]')
            [CompletionResult]::new('--host-key', '--host-key', [CompletionResultType]::ParameterName, 'This host''s server key (store name, generated on first use) [default: a new key for this run only]')
            [CompletionResult]::new('--endorsement', '--endorsement', [CompletionResultType]::ParameterName, 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key''s public key, instead of endorsing this host with a cluster key held here')
            [CompletionResult]::new('--trusted-cluster', '--trusted-cluster', [CompletionResultType]::ParameterName, 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]')
            [CompletionResult]::new('--max-endorsement', '--max-endorsement', [CompletionResultType]::ParameterName, 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host''s own too) [default: the policy''s max_endorsement, else 24h]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;lattice;request' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'The body: text, or @FILE')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'The body: text, or @FILE')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a valid reply')
            [CompletionResult]::new('--lattice', '--lattice', [CompletionResultType]::ParameterName, 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)')
            [CompletionResult]::new('--nats-nkey', '--nats-nkey', [CompletionResultType]::ParameterName, 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server''s configuration')
            [CompletionResult]::new('--nats-ca', '--nats-ca', [CompletionResultType]::ParameterName, 'Trust this CA (a PEM file) for the NATS server''s certificate, instead of the system''s CAs; TLS is then required, also with a nats:// URL')
            [CompletionResult]::new('--lattice-name', '--lattice-name', [CompletionResultType]::ParameterName, 'The lattice''s name: hosts of other lattices on the same NATS server are refused (letters, digits, ''_'', ''-'')')
            [CompletionResult]::new('--cluster-key', '--cluster-key', [CompletionResultType]::ParameterName, 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]')
            [CompletionResult]::new('--host-key', '--host-key', [CompletionResultType]::ParameterName, 'This host''s server key (store name, generated on first use) [default: a new key for this run only]')
            [CompletionResult]::new('--endorsement', '--endorsement', [CompletionResultType]::ParameterName, 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key''s public key, instead of endorsing this host with a cluster key held here')
            [CompletionResult]::new('--trusted-cluster', '--trusted-cluster', [CompletionResultType]::ParameterName, 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]')
            [CompletionResult]::new('--max-endorsement', '--max-endorsement', [CompletionResultType]::ParameterName, 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host''s own too) [default: the policy''s max_endorsement, else 24h]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;lattice;sub' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after this many messages')
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'Stop after this long, e.g. 10s')
            [CompletionResult]::new('--lattice', '--lattice', [CompletionResultType]::ParameterName, 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)')
            [CompletionResult]::new('--nats-nkey', '--nats-nkey', [CompletionResultType]::ParameterName, 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server''s configuration')
            [CompletionResult]::new('--nats-ca', '--nats-ca', [CompletionResultType]::ParameterName, 'Trust this CA (a PEM file) for the NATS server''s certificate, instead of the system''s CAs; TLS is then required, also with a nats:// URL')
            [CompletionResult]::new('--lattice-name', '--lattice-name', [CompletionResultType]::ParameterName, 'The lattice''s name: hosts of other lattices on the same NATS server are refused (letters, digits, ''_'', ''-'')')
            [CompletionResult]::new('--cluster-key', '--cluster-key', [CompletionResultType]::ParameterName, 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]')
            [CompletionResult]::new('--host-key', '--host-key', [CompletionResultType]::ParameterName, 'This host''s server key (store name, generated on first use) [default: a new key for this run only]')
            [CompletionResult]::new('--endorsement', '--endorsement', [CompletionResultType]::ParameterName, 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key''s public key, instead of endorsing this host with a cluster key held here')
            [CompletionResult]::new('--trusted-cluster', '--trusted-cluster', [CompletionResultType]::ParameterName, 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]')
            [CompletionResult]::new('--max-endorsement', '--max-endorsement', [CompletionResultType]::ParameterName, 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host''s own too) [default: the policy''s max_endorsement, else 24h]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;lattice;revoke' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, shown by every host that drops a message for it (at most 200 characters)')
            [CompletionResult]::new('--cluster-key', '--cluster-key', [CompletionResultType]::ParameterName, 'The cluster key (store name) that signs; it must exist and the hosts must trust it [default: cluster]')
            [CompletionResult]::new('--lattice-name', '--lattice-name', [CompletionResultType]::ParameterName, 'The lattice the revocation is for')
            [CompletionResult]::new('--lattice', '--lattice', [CompletionResultType]::ParameterName, 'The NATS server, nats://HOST:PORT or tls://HOST:PORT [default: nats://127.0.0.1:4222]')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)')
            [CompletionResult]::new('--nats-nkey', '--nats-nkey', [CompletionResultType]::ParameterName, 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server''s configuration')
            [CompletionResult]::new('--nats-ca', '--nats-ca', [CompletionResultType]::ParameterName, 'Trust this CA (a PEM file) for the NATS server''s certificate, instead of the system''s CAs; TLS is then required, also with a nats:// URL')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;lattice;help' {
            [CompletionResult]::new('endorse', 'endorse', [CompletionResultType]::ParameterValue, 'Endorse a host''s server key with a cluster key, for a host that must not hold the cluster seed: start it with `wzt run … --host-key NAME --endorsement FILE`')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish one signed message')
            [CompletionResult]::new('request', 'request', [CompletionResultType]::ParameterValue, 'Send one signed request and print the reply that passes every check (exit 1 when none comes in time)')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Watch a subject: print each message with its origin actor and host and the verdict of every check, without delivering anything (token ids are checked for replays by this process only, so watching never takes an id from the hosts that will receive it)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke hosts lattice-wide: every host drops their messages from now on (code `revoked`), also hosts that start later (the revocation is stored in the lattice''s JetStream bucket)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wzt;lattice;help;endorse' {
            break
        }
        'wzt;lattice;help;pub' {
            break
        }
        'wzt;lattice;help;request' {
            break
        }
        'wzt;lattice;help;sub' {
            break
        }
        'wzt;lattice;help;revoke' {
            break
        }
        'wzt;lattice;help;help' {
            break
        }
        'wzt;completions' {
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;claims' {
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'The same as `wzt sign`')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'The same as `wzt inspect`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wzt;claims;sign' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Capabilities to grant, comma separated, repeatable: aliases (http, httpclient, kv, msg, log, blob, config, fs, net, rand), contract ids, `auto` for exactly what the artifact imports, or `none` for no grants. Required for an artifact that imports or exports something a capability covers (signed without grants, it could not run)')
            [CompletionResult]::new('--caps', '--caps', [CompletionResultType]::ParameterName, 'Capabilities to grant, comma separated, repeatable: aliases (http, httpclient, kv, msg, log, blob, config, fs, net, rand), contract ids, `auto` for exactly what the artifact imports, or `none` for no grants. Required for an artifact that imports or exports something a capability covers (signed without grants, it could not run)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Actor name [default: the file stem]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Actor name [default: the file stem]')
            [CompletionResult]::new('--ver', '--ver', [CompletionResultType]::ParameterName, 'Human-friendly version, e.g. 1.2.0 (no short flag: `-v` reads as "verbose")')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Revision number')
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Revision number')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'A tag (repeatable; no short flag: `-t` is `wzt new --template`)')
            [CompletionResult]::new('--call-alias', '--call-alias', [CompletionResultType]::ParameterName, 'Alias to call the actor by: lower-case letters, digits, ''_'' and ''/''')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'When the claims expire: a duration from now (90m, 12h, 30d) or an RFC 3339 time')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'When the claims expire: a duration from now (90m, 12h, 30d) or an RFC 3339 time')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'When the claims become valid: a duration from now or an RFC 3339 time')
            [CompletionResult]::new('--not-before', '--not-before', [CompletionResultType]::ParameterName, 'When the claims become valid: a duration from now or an RFC 3339 time')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Scope a granted capability to one resource, KIND=VALUE (repeatable): kv.bucket=app, httpclient.host=api.example.com:443 (`[scheme://]host[:port]`, `*.` wildcard), msg.publish=''orders.>'' or msg.subscribe=greet (NATS wildcards), config.key=greeting. Replaces the project''s [actor.scopes]')
            [CompletionResult]::new('--scopes-from', '--scopes-from', [CompletionResultType]::ParameterName, 'Scope the grants to exactly the resources this trace shows used (a --trace-file of `wzt run` or `wzt dev`); a granted capability the trace never used reaches nothing')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file (one input only) [default: <stem>_s.wasm beside the input]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file (one input only) [default: <stem>_s.wasm beside the input]')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write outputs to this directory, as <stem>_s.wasm')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--disable-keygen', '--disable-keygen', [CompletionResultType]::ParameterName, 'Fail instead of generating a missing default key')
            [CompletionResult]::new('--generate-keys', '--generate-keys', [CompletionResultType]::ParameterName, 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace each input with its signed version')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;claims;inspect' {
            [CompletionResult]::new('--against', '--against', [CompletionResultType]::ParameterName, 'Compare with an older version (a file or oci://REF): list the grants and scopes this one adds, and exit 1 when it reaches anything the old one could not (a release gate)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]')
            [CompletionResult]::new('--registry-timeout', '--registry-timeout', [CompletionResultType]::ParameterName, 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output format: json (the same as --json) or text')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]')
            [CompletionResult]::new('--jwt-only', '--jwt-only', [CompletionResultType]::ParameterName, 'Print only the raw token (exit 1 when there is none)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wzt;claims;help' {
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'The same as `wzt sign`')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'The same as `wzt inspect`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wzt;claims;help;sign' {
            break
        }
        'wzt;claims;help;inspect' {
            break
        }
        'wzt;claims;help;help' {
            break
        }
        'wzt;help' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create an actor project from a template: http-hello, kv-counter, msg-greeter, msg-front or command')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Manage ed25519 keys (nkeys format) in the key store')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign modules or components: embed claims signed by an account key')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show the claims of a module or component, and its imports against its grants')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify signatures and claims against a trust policy')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Work with trust policy files')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Verify an actor, then push it to an OCI registry')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Fetch an actor from an OCI registry, verify it, then write it')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Verify an actor and run it: serve an HTTP actor, or run a command once')
            [CompletionResult]::new('dev', 'dev', [CompletionResultType]::ParameterValue, 'Build, sign and serve the project in this directory, and reload it when its sources change')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build the project here, sign the artifact, and verify the signed file')
            [CompletionResult]::new('attest', 'attest', [CompletionResultType]::ParameterValue, 'Write a signed provenance (an in-toto statement with SLSA provenance, in a DSSE envelope) for an artifact built elsewhere')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check what wzt needs: the Rust toolchain and wasm targets a project build uses, the key store and its default keys, the compile cache, the project file here, and the clock')
            [CompletionResult]::new('lattice', 'lattice', [CompletionResultType]::ParameterValue, 'Work with a lattice: endorse and revoke hosts, and publish, request or watch messages')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('claims', 'claims', [CompletionResultType]::ParameterValue, 'wash''s `claims sign` and `claims inspect`, as `wzt sign` and `wzt inspect`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wzt;help;new' {
            break
        }
        'wzt;help;keys' {
            [CompletionResult]::new('gen', 'gen', [CompletionResultType]::ParameterValue, 'Generate a key pair and save its seed as <NAME>.nk')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stored keys')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a stored key''s public key and role')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Store an existing seed, or someone else''s public key, under NAME')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a stored key''s seed with a passphrase, in the age format')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a stored key: NAME.nk holds the bare seed again and NAME.pub is removed')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a stored key (asks first; without a terminal, requires --yes). Removing a public-only key untrusts it')
            break
        }
        'wzt;help;keys;gen' {
            break
        }
        'wzt;help;keys;list' {
            break
        }
        'wzt;help;keys;show' {
            break
        }
        'wzt;help;keys;import' {
            break
        }
        'wzt;help;keys;encrypt' {
            break
        }
        'wzt;help;keys;decrypt' {
            break
        }
        'wzt;help;keys;rm' {
            break
        }
        'wzt;help;sign' {
            break
        }
        'wzt;help;inspect' {
            break
        }
        'wzt;help;verify' {
            break
        }
        'wzt;help;policy' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented policy file to start from')
            break
        }
        'wzt;help;policy;init' {
            break
        }
        'wzt;help;push' {
            break
        }
        'wzt;help;pull' {
            break
        }
        'wzt;help;run' {
            break
        }
        'wzt;help;dev' {
            break
        }
        'wzt;help;build' {
            break
        }
        'wzt;help;attest' {
            break
        }
        'wzt;help;doctor' {
            break
        }
        'wzt;help;lattice' {
            [CompletionResult]::new('endorse', 'endorse', [CompletionResultType]::ParameterValue, 'Endorse a host''s server key with a cluster key, for a host that must not hold the cluster seed: start it with `wzt run … --host-key NAME --endorsement FILE`')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish one signed message')
            [CompletionResult]::new('request', 'request', [CompletionResultType]::ParameterValue, 'Send one signed request and print the reply that passes every check (exit 1 when none comes in time)')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Watch a subject: print each message with its origin actor and host and the verdict of every check, without delivering anything (token ids are checked for replays by this process only, so watching never takes an id from the hosts that will receive it)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke hosts lattice-wide: every host drops their messages from now on (code `revoked`), also hosts that start later (the revocation is stored in the lattice''s JetStream bucket)')
            break
        }
        'wzt;help;lattice;endorse' {
            break
        }
        'wzt;help;lattice;pub' {
            break
        }
        'wzt;help;lattice;request' {
            break
        }
        'wzt;help;lattice;sub' {
            break
        }
        'wzt;help;lattice;revoke' {
            break
        }
        'wzt;help;completions' {
            break
        }
        'wzt;help;claims' {
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'The same as `wzt sign`')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'The same as `wzt inspect`')
            break
        }
        'wzt;help;claims;sign' {
            break
        }
        'wzt;help;claims;inspect' {
            break
        }
        'wzt;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
