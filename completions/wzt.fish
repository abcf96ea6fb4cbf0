# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_wzt_global_optspecs
    string join \n json keys-dir= no-color passphrase-file= h/help V/version
end

function __fish_wzt_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_wzt_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_wzt_using_subcommand
    set -l cmd (__fish_wzt_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c wzt -n "__fish_wzt_needs_command" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_needs_command" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_needs_command" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_needs_command" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_needs_command" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "new" -d 'Create an actor project from a template: http-hello, kv-counter, msg-greeter, msg-front or command'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "keys" -d 'Manage ed25519 keys (nkeys format) in the key store'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "sign" -d 'Sign modules or components: embed claims signed by an account key'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "inspect" -d 'Show the claims of a module or component, and its imports against its grants'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "verify" -d 'Verify signatures and claims against a trust policy'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "policy" -d 'Work with trust policy files'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "push" -d 'Verify an actor, then push it to an OCI registry'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "pull" -d 'Fetch an actor from an OCI registry, verify it, then write it'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "run" -d 'Verify an actor and run it: serve an HTTP actor, or run a command once'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "dev" -d 'Build, sign and serve the project in this directory, and reload it when its sources change'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "build" -d 'Build the project here, sign the artifact, and verify the signed file'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "attest" -d 'Write a signed provenance (an in-toto statement with SLSA provenance, in a DSSE envelope) for an artifact built elsewhere'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "doctor" -d 'Check what wzt needs: the Rust toolchain and wasm targets a project build uses, the key store and its default keys, the compile cache, the project file here, and the clock'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "lattice" -d 'Work with a lattice: endorse and revoke hosts, and publish, request or watch messages'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "completions" -d 'Print the completion script for a shell'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "claims" -d 'wash\'s `claims sign` and `claims inspect`, as `wzt sign` and `wzt inspect`'
complete -c wzt -n "__fish_wzt_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wzt -n "__fish_wzt_using_subcommand new" -s t -l template -d 'The template [default: ask on a terminal, else http-hello]' -r
complete -c wzt -n "__fish_wzt_using_subcommand new" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand new" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand new" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand new" -l list -d 'List the templates, one line each, and create nothing'
complete -c wzt -n "__fish_wzt_using_subcommand new" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand new" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand new" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand new" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -f -a "gen" -d 'Generate a key pair and save its seed as <NAME>.nk'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -f -a "list" -d 'List the stored keys'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -f -a "show" -d 'Show a stored key\'s public key and role'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -f -a "import" -d 'Store an existing seed, or someone else\'s public key, under NAME'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -f -a "encrypt" -d 'Encrypt a stored key\'s seed with a passphrase, in the age format'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -f -a "decrypt" -d 'Decrypt a stored key: NAME.nk holds the bare seed again and NAME.pub is removed'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -f -a "rm" -d 'Remove a stored key (asks first; without a terminal, requires --yes). Removing a public-only key untrusts it'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and not __fish_seen_subcommand_from gen list show import encrypt decrypt rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -l name -d 'Name to save the key under [default: the role]' -r
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -l encrypt -d 'Encrypt the seed with a passphrase (age format); the public key goes to <NAME>.pub'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -l no-save -d 'Print the seed instead of saving it; nothing is stored'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -l force -d 'Replace an existing key of the same name (asks first on a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -s y -l yes -d 'Do not ask for confirmation'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from gen" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from list" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from list" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from list" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from show" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from show" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from show" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from show" -l seed -d 'Also print the seed (the secret)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from show" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from import" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from import" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from import" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from import" -l encrypt -d 'Encrypt the seed with a passphrase (age format); the public key goes to <NAME>.pub'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from import" -l force -d 'Replace an existing key of the same name (asks first on a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from import" -s y -l yes -d 'Do not ask for confirmation'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from import" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from import" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from encrypt" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from encrypt" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from encrypt" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from encrypt" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from encrypt" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from encrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from encrypt" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from decrypt" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from decrypt" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from decrypt" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from decrypt" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from decrypt" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from decrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from decrypt" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from rm" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from rm" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from rm" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from rm" -s y -l yes -d 'Do not ask for confirmation'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from rm" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from rm" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "gen" -d 'Generate a key pair and save its seed as <NAME>.nk'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the stored keys'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a stored key\'s public key and role'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "import" -d 'Store an existing seed, or someone else\'s public key, under NAME'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "encrypt" -d 'Encrypt a stored key\'s seed with a passphrase, in the age format'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "decrypt" -d 'Decrypt a stored key: NAME.nk holds the bare seed again and NAME.pub is removed'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a stored key (asks first; without a terminal, requires --yes). Removing a public-only key untrusts it'
complete -c wzt -n "__fish_wzt_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wzt -n "__fish_wzt_using_subcommand sign" -s c -l caps -d 'Capabilities to grant, comma separated, repeatable: aliases (http, httpclient, kv, msg, log, blob, config, fs, net, rand), contract ids, `auto` for exactly what the artifact imports, or `none` for no grants. Required for an artifact that imports or exports something a capability covers (signed without grants, it could not run)' -r
complete -c wzt -n "__fish_wzt_using_subcommand sign" -s n -l name -d 'Actor name [default: the file stem]' -r
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l ver -d 'Human-friendly version, e.g. 1.2.0 (no short flag: `-v` reads as "verbose")' -r
complete -c wzt -n "__fish_wzt_using_subcommand sign" -s r -l rev -d 'Revision number' -r
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l tag -d 'A tag (repeatable; no short flag: `-t` is `wzt new --template`)' -r
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l call-alias -d 'Alias to call the actor by: lower-case letters, digits, \'_\' and \'/\'' -r
complete -c wzt -n "__fish_wzt_using_subcommand sign" -s x -l expires -d 'When the claims expire: a duration from now (90m, 12h, 30d) or an RFC 3339 time' -r
complete -c wzt -n "__fish_wzt_using_subcommand sign" -s b -l not-before -d 'When the claims become valid: a duration from now or an RFC 3339 time' -r
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l scope -d 'Scope a granted capability to one resource, KIND=VALUE (repeatable): kv.bucket=app, httpclient.host=api.example.com:443 (`[scheme://]host[:port]`, `*.` wildcard), msg.publish=\'orders.>\' or msg.subscribe=greet (NATS wildcards), config.key=greeting. Replaces the project\'s [actor.scopes]' -r
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l scopes-from -d 'Scope the grants to exactly the resources this trace shows used (a --trace-file of `wzt run` or `wzt dev`); a granted capability the trace never used reaches nothing' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand sign" -s i -l issuer -d 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project\'s issuer]' -r
complete -c wzt -n "__fish_wzt_using_subcommand sign" -s s -l subject -d 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]' -r
complete -c wzt -n "__fish_wzt_using_subcommand sign" -s o -l output -d 'Output file (one input only) [default: <stem>_s.wasm beside the input]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l out-dir -d 'Write outputs to this directory, as <stem>_s.wasm' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l disable-keygen -d 'Fail instead of generating a missing default key'
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l generate-keys -d 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l in-place -d 'Replace each input with its signed version'
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand sign" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand sign" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -l against -d 'Compare with an older version (a file or oci://REF): list the grants and scopes this one adds, and exit 1 when it reaches anything the old one could not (a release gate)' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -l username -d 'Registry user name, with --password-stdin [default: the docker config file\'s entry for the registry, else anonymous]' -r
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -l registry-timeout -d 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)' -r
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -l jwt-only -d 'Print only the raw token (exit 1 when there is none)'
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -l insecure -d 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -l password-stdin -d 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l policy -d 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l trusted-issuer -d 'Trust this issuer: an account public key or a store key name (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l leeway -d 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]' -r
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l require-cap -d 'Require this capability to be granted (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l allow-cap -d 'Reject grants outside these capabilities (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l max-age -d 'Reject tokens issued longer ago than this, e.g. 90d' -r
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l revoke -d 'Reject this token id (jti) or subject key (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l allow-scope -d 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=\'*.example.com\' (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l source-repo -d 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)' -r
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l provenance -d 'The artifact\'s provenance (a DSSE-signed in-toto statement) [default: <stem>.intoto.json beside the file; for oci://REF, the registry\'s referrer]. Checked when given, and whenever the policy requires provenance' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l username -d 'Registry user name, with --password-stdin [default: the docker config file\'s entry for the registry, else anonymous]' -r
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l registry-timeout -d 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)' -r
complete -c wzt -n "__fish_wzt_using_subcommand verify" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l allow-unsigned -d 'Accept artifacts that carry no signature'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l require-expiry -d 'Reject tokens that never expire'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l require-name-version -d 'Reject claims without a name and a version'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l require-scoped -d 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l require-provenance -d 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry\'s referrer)'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l require-clean-tree -d 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l insecure -d 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l password-stdin -d 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand verify" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and not __fish_seen_subcommand_from init help" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand policy; and not __fish_seen_subcommand_from init help" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand policy; and not __fish_seen_subcommand_from init help" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand policy; and not __fish_seen_subcommand_from init help" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and not __fish_seen_subcommand_from init help" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and not __fish_seen_subcommand_from init help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and not __fish_seen_subcommand_from init help" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and not __fish_seen_subcommand_from init help" -f -a "init" -d 'Write a commented policy file to start from'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and not __fish_seen_subcommand_from init help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and __fish_seen_subcommand_from init" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand policy; and __fish_seen_subcommand_from init" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand policy; and __fish_seen_subcommand_from init" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand policy; and __fish_seen_subcommand_from init" -l force -d 'Replace an existing file'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and __fish_seen_subcommand_from init" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and __fish_seen_subcommand_from init" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a commented policy file to start from'
complete -c wzt -n "__fish_wzt_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wzt -n "__fish_wzt_using_subcommand push" -l username -d 'Registry user name, with --password-stdin [default: the docker config file\'s entry for the registry, else anonymous]' -r
complete -c wzt -n "__fish_wzt_using_subcommand push" -l registry-timeout -d 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)' -r
complete -c wzt -n "__fish_wzt_using_subcommand push" -l policy -d 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand push" -l trusted-issuer -d 'Trust this issuer: an account public key or a store key name (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand push" -l leeway -d 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]' -r
complete -c wzt -n "__fish_wzt_using_subcommand push" -l require-cap -d 'Require this capability to be granted (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand push" -l allow-cap -d 'Reject grants outside these capabilities (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand push" -l max-age -d 'Reject tokens issued longer ago than this, e.g. 90d' -r
complete -c wzt -n "__fish_wzt_using_subcommand push" -l revoke -d 'Reject this token id (jti) or subject key (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand push" -l allow-scope -d 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=\'*.example.com\' (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand push" -l source-repo -d 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)' -r
complete -c wzt -n "__fish_wzt_using_subcommand push" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand push" -l provenance -d 'The artifact\'s provenance (a DSSE-signed in-toto statement) [default: <stem>.intoto.json beside the file; for oci://REF, the registry\'s referrer]. Checked when given, and whenever the policy requires provenance' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand push" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand push" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand push" -l allow-latest -d 'Push to the tag `latest` (refused otherwise: a moving tag is overwritten only on purpose)'
complete -c wzt -n "__fish_wzt_using_subcommand push" -l insecure -d 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
complete -c wzt -n "__fish_wzt_using_subcommand push" -l password-stdin -d 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
complete -c wzt -n "__fish_wzt_using_subcommand push" -l allow-unsigned -d 'Accept artifacts that carry no signature'
complete -c wzt -n "__fish_wzt_using_subcommand push" -l require-expiry -d 'Reject tokens that never expire'
complete -c wzt -n "__fish_wzt_using_subcommand push" -l require-name-version -d 'Reject claims without a name and a version'
complete -c wzt -n "__fish_wzt_using_subcommand push" -l require-scoped -d 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes'
complete -c wzt -n "__fish_wzt_using_subcommand push" -l require-provenance -d 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry\'s referrer)'
complete -c wzt -n "__fish_wzt_using_subcommand push" -l require-clean-tree -d 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)'
complete -c wzt -n "__fish_wzt_using_subcommand push" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand push" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand push" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand push" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -s o -l output -d 'Where to write the actor [default: the repository\'s last name, .wasm, here]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l username -d 'Registry user name, with --password-stdin [default: the docker config file\'s entry for the registry, else anonymous]' -r
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l registry-timeout -d 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)' -r
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l policy -d 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l trusted-issuer -d 'Trust this issuer: an account public key or a store key name (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l leeway -d 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]' -r
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l require-cap -d 'Require this capability to be granted (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l allow-cap -d 'Reject grants outside these capabilities (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l max-age -d 'Reject tokens issued longer ago than this, e.g. 90d' -r
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l revoke -d 'Reject this token id (jti) or subject key (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l allow-scope -d 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=\'*.example.com\' (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l source-repo -d 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)' -r
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l force -d 'Replace the output file when it exists (never anything but a regular file)'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l insecure -d 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l password-stdin -d 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l allow-unsigned -d 'Accept artifacts that carry no signature'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l require-expiry -d 'Reject tokens that never expire'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l require-name-version -d 'Reject claims without a name and a version'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l require-scoped -d 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l require-provenance -d 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry\'s referrer)'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l require-clean-tree -d 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand pull" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l request -d 'Send one request in-process instead of listening, e.g. \'GET /\' or \'POST /items\'; print the response body; exit 0 for 2xx/3xx, 1 otherwise' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -s H -l header -d 'A request header, K:V (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -s d -l data -d 'The request body: text, or @FILE to read it from a file' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l caps -d 'Capabilities granted to an unsigned actor run with --allow-unsigned (none by default), or `auto` for exactly what it imports (still checked against the policy\'s allowed_caps); a signed actor\'s grants are its claims' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l message -d 'Deliver a message to the actor\'s wasmcloud:messaging handler before anything else, SUBJECT=PAYLOAD (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l subscribe -d 'With --lattice: deliver messages on SUBJECT (NATS wildcards allowed) to the actor\'s wasmcloud:messaging handler once they pass every check, through a queue group named after the actor, so hosts running the same actor share them (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l lattice -d 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l nats-creds -d 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l nats-nkey -d 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server\'s configuration' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l nats-ca -d 'Trust this CA (a PEM file) for the NATS server\'s certificate, instead of the system\'s CAs; TLS is then required, also with a nats:// URL' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l lattice-name -d 'The lattice\'s name: hosts of other lattices on the same NATS server are refused (letters, digits, \'_\', \'-\')' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l cluster-key -d 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l host-key -d 'This host\'s server key (store name, generated on first use) [default: a new key for this run only]' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l endorsement -d 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key\'s public key, instead of endorsing this host with a cluster key held here' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l trusted-cluster -d 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l max-endorsement -d 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host\'s own too) [default: the policy\'s max_endorsement, else 24h]' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l listen -d 'Where to serve an HTTP actor: PORT (on 127.0.0.1), IP:PORT, or localhost:PORT; port 0 picks a free one (also --addr)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -s e -l env -d 'An environment variable for the actor, K=V (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l dir -d 'Preopen a host directory for the guest, HOST[::GUEST] (needs the fs capability)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l max-memory -d 'Linear memory per instance, e.g. 512MiB' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l timeout -d 'Wall-clock deadline per invocation, e.g. 30s or 500ms' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l max-concurrent -d 'Invocations running at once; more wait' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l keep-resident -d 'Memory kept resident per instance slot between invocations and reset in place (only the pages an invocation touched); 0 returns it all to the kernel after each invocation (slower: page faults and TLB shootdowns on every request). More is faster for actors that touch more memory, and holds more while idle' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l provider -d 'Choose a provider for one capability, CAP=KIND: kv=sqlite, kv=memory, httpclient=local or httpclient=mock (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l kv-path -d 'The local key-value SQLite file (created 0600)' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l kv-namespace -d 'The key-value namespace in that file [default: the actor\'s subject key, so actors do not see each other\'s data]; give two actors the same NAME to share data on purpose' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l kv-quota -d 'Refuse key-value writes once the namespace holds this much, e.g. 10MiB' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l kv-seed -d 'Seed the in-memory key-value store from JSON: {"bucket": {"key": "value"}}; only these buckets exist then' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l kv-dump -d 'Write the in-memory key-value store to this JSON file when the run ends' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l log-level -d 'Show wasi:logging lines at this level and above: trace, debug, info, warn, error, critical' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l config -d 'A wasi:config value, K=V (repeatable; overrides --config-file)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l config-file -d 'wasi:config values from a TOML file of `key = "value"` lines' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l allow-host -d 'Allow outgoing HTTP to this host: api.example.com, *.example.com, host:port, [::1]:port, and https:// or http:// in front for that scheme only (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l http-fixtures -d 'Answer outgoing HTTP from this TOML file of [[response]] entries (method, url with `*`, status, headers, body) instead of the network; implies the mock HTTP client' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l msg-replies -d 'Answer the actor\'s messaging requests from this TOML file of [[reply]] entries (subject, with NATS `*` and `>` wildcards, and body)' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l trace-file -d 'Write every capability call to this file as JSON lines' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l console-listen -d 'Where the console listens (implies --console) [default: 127.0.0.1 on a free port]. An address beyond loopback lets other machines reach it (it says so at startup)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l policy -d 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l trusted-issuer -d 'Trust this issuer: an account public key or a store key name (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l leeway -d 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l require-cap -d 'Require this capability to be granted (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l allow-cap -d 'Reject grants outside these capabilities (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l max-age -d 'Reject tokens issued longer ago than this, e.g. 90d' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l revoke -d 'Reject this token id (jti) or subject key (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l allow-scope -d 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=\'*.example.com\' (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l source-repo -d 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l provenance -d 'The artifact\'s provenance (a DSSE-signed in-toto statement) [default: <stem>.intoto.json beside the file; for oci://REF, the registry\'s referrer]. Checked when given, and whenever the policy requires provenance' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l username -d 'Registry user name, with --password-stdin [default: the docker config file\'s entry for the registry, else anonymous]' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -l registry-timeout -d 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)' -r
complete -c wzt -n "__fish_wzt_using_subcommand run" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand run" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand run" -l build -d 'For a project (no ACTOR, or DIR): build and sign it first, as `wzt build` does'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l include -d 'Print the response status line and headers before the body (curl\'s -i; in wzt, -i is --issuer)'
complete -c wzt -n "__fish_wzt_using_subcommand run" -s q -l quiet -d 'Print no startup block (what runs, the policy and trust it passed, its grants and limits); what the actor does and errors are still printed'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l no-cache -d 'Compile without reading or writing the compile cache ($XDG_CACHE_HOME/wzt)'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l mock-caps -d 'Use mock providers: in-memory key-value (seed with --kv-seed, dump with --kv-dump), nothing persisted'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l trace-caps -d 'Print every capability call on stderr: actor, interface.function, arguments, result, duration'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l console -d 'Serve a live web console beside the actor: requests with their headers and capability calls, denials with their fix, logs and output, traps, dev builds and reloads, claims and grants, key-value contents, lattice verdicts. Its URL, with a secret token, is printed at startup (`console: http://127.0.0.1:PORT/#token=…`)'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l allow-unsigned -d 'Accept artifacts that carry no signature'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l require-expiry -d 'Reject tokens that never expire'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l require-name-version -d 'Reject claims without a name and a version'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l require-scoped -d 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l require-provenance -d 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry\'s referrer)'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l require-clean-tree -d 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l insecure -d 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l password-stdin -d 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand run" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand run" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l debounce -d 'How long changes must settle before a rebuild starts' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -s i -l issuer -d 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project\'s issuer]' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -s s -l subject -d 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l listen -d 'Where to serve an HTTP actor: PORT (on 127.0.0.1), IP:PORT, or localhost:PORT; port 0 picks a free one (also --addr)' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -s e -l env -d 'An environment variable for the actor, K=V (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l dir -d 'Preopen a host directory for the guest, HOST[::GUEST] (needs the fs capability)' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l max-memory -d 'Linear memory per instance, e.g. 512MiB' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l timeout -d 'Wall-clock deadline per invocation, e.g. 30s or 500ms' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l max-concurrent -d 'Invocations running at once; more wait' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l keep-resident -d 'Memory kept resident per instance slot between invocations and reset in place (only the pages an invocation touched); 0 returns it all to the kernel after each invocation (slower: page faults and TLB shootdowns on every request). More is faster for actors that touch more memory, and holds more while idle' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l provider -d 'Choose a provider for one capability, CAP=KIND: kv=sqlite, kv=memory, httpclient=local or httpclient=mock (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l kv-path -d 'The local key-value SQLite file (created 0600)' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l kv-namespace -d 'The key-value namespace in that file [default: the actor\'s subject key, so actors do not see each other\'s data]; give two actors the same NAME to share data on purpose' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l kv-quota -d 'Refuse key-value writes once the namespace holds this much, e.g. 10MiB' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l kv-seed -d 'Seed the in-memory key-value store from JSON: {"bucket": {"key": "value"}}; only these buckets exist then' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l kv-dump -d 'Write the in-memory key-value store to this JSON file when the run ends' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l log-level -d 'Show wasi:logging lines at this level and above: trace, debug, info, warn, error, critical' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l config -d 'A wasi:config value, K=V (repeatable; overrides --config-file)' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l config-file -d 'wasi:config values from a TOML file of `key = "value"` lines' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l allow-host -d 'Allow outgoing HTTP to this host: api.example.com, *.example.com, host:port, [::1]:port, and https:// or http:// in front for that scheme only (repeatable)' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l http-fixtures -d 'Answer outgoing HTTP from this TOML file of [[response]] entries (method, url with `*`, status, headers, body) instead of the network; implies the mock HTTP client' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l msg-replies -d 'Answer the actor\'s messaging requests from this TOML file of [[reply]] entries (subject, with NATS `*` and `>` wildcards, and body)' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l trace-file -d 'Write every capability call to this file as JSON lines' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l console-listen -d 'Where the console listens (implies --console) [default: 127.0.0.1 on a free port]. An address beyond loopback lets other machines reach it (it says so at startup)' -r
complete -c wzt -n "__fish_wzt_using_subcommand dev" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l disable-keygen -d 'Fail instead of generating a missing default key'
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l generate-keys -d 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand dev" -s q -l quiet -d 'Print no startup block (what runs, the policy and trust it passed, its grants and limits); what the actor does and errors are still printed'
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l no-cache -d 'Compile without reading or writing the compile cache ($XDG_CACHE_HOME/wzt)'
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l mock-caps -d 'Use mock providers: in-memory key-value (seed with --kv-seed, dump with --kv-dump), nothing persisted'
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l trace-caps -d 'Print every capability call on stderr: actor, interface.function, arguments, result, duration'
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l console -d 'Serve a live web console beside the actor: requests with their headers and capability calls, denials with their fix, logs and output, traps, dev builds and reloads, claims and grants, key-value contents, lattice verdicts. Its URL, with a secret token, is printed at startup (`console: http://127.0.0.1:PORT/#token=…`)'
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand dev" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand dev" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand dev" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand build" -s i -l issuer -d 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project\'s issuer]' -r
complete -c wzt -n "__fish_wzt_using_subcommand build" -s s -l subject -d 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]' -r
complete -c wzt -n "__fish_wzt_using_subcommand build" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand build" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand build" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand build" -l release -d 'Run the project\'s `build.release_command` (without one, its build command, which in the templates builds in release mode already)'
complete -c wzt -n "__fish_wzt_using_subcommand build" -l disable-keygen -d 'Fail instead of generating a missing default key'
complete -c wzt -n "__fish_wzt_using_subcommand build" -l generate-keys -d 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand build" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand build" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand build" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand build" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand attest" -l source -d 'The git checkout the artifact was built from' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand attest" -s i -l issuer -d 'Account key that signs the provenance: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`]' -r
complete -c wzt -n "__fish_wzt_using_subcommand attest" -s o -l output -d 'Where to write it [default: <stem>.intoto.json beside FILE]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand attest" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand attest" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand attest" -l force -d 'Replace the output when it exists'
complete -c wzt -n "__fish_wzt_using_subcommand attest" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand attest" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand attest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand attest" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand doctor" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand doctor" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand doctor" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand doctor" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand doctor" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -f -a "endorse" -d 'Endorse a host\'s server key with a cluster key, for a host that must not hold the cluster seed: start it with `wzt run … --host-key NAME --endorsement FILE`'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -f -a "pub" -d 'Publish one signed message'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -f -a "request" -d 'Send one signed request and print the reply that passes every check (exit 1 when none comes in time)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -f -a "sub" -d 'Watch a subject: print each message with its origin actor and host and the verdict of every check, without delivering anything (token ids are checked for replays by this process only, so watching never takes an id from the hosts that will receive it)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -f -a "revoke" -d 'Revoke hosts lattice-wide: every host drops their messages from now on (code `revoked`), also hosts that start later (the revocation is stored in the lattice\'s JetStream bucket)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and not __fish_seen_subcommand_from endorse pub request sub revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from endorse" -l cluster-key -d 'The cluster key (store name, generated on first use) that signs [default: cluster]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from endorse" -l lattice-name -d 'The lattice the endorsement is for' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from endorse" -l expires -d 'How long the endorsement is valid, e.g. 12h (at most --max-endorsement)' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from endorse" -l max-endorsement -d 'The longest endorsement made: hosts refuse longer ones (their --max-endorsement or policy max_endorsement, 24h unless set)' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from endorse" -s o -l output -d 'Write the endorsement to FILE instead of standard output' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from endorse" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from endorse" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from endorse" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from endorse" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from endorse" -s h -l help -d 'Print help'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from endorse" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -s d -l data -d 'The body: text, or @FILE' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l lattice -d 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l nats-creds -d 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l nats-nkey -d 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server\'s configuration' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l nats-ca -d 'Trust this CA (a PEM file) for the NATS server\'s certificate, instead of the system\'s CAs; TLS is then required, also with a nats:// URL' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l lattice-name -d 'The lattice\'s name: hosts of other lattices on the same NATS server are refused (letters, digits, \'_\', \'-\')' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l cluster-key -d 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l host-key -d 'This host\'s server key (store name, generated on first use) [default: a new key for this run only]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l endorsement -d 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key\'s public key, instead of endorsing this host with a cluster key held here' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l trusted-cluster -d 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l max-endorsement -d 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host\'s own too) [default: the policy\'s max_endorsement, else 24h]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from pub" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -s d -l data -d 'The body: text, or @FILE' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l timeout -d 'How long to wait for a valid reply' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l lattice -d 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l nats-creds -d 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l nats-nkey -d 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server\'s configuration' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l nats-ca -d 'Trust this CA (a PEM file) for the NATS server\'s certificate, instead of the system\'s CAs; TLS is then required, also with a nats:// URL' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l lattice-name -d 'The lattice\'s name: hosts of other lattices on the same NATS server are refused (letters, digits, \'_\', \'-\')' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l cluster-key -d 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l host-key -d 'This host\'s server key (store name, generated on first use) [default: a new key for this run only]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l endorsement -d 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key\'s public key, instead of endorsing this host with a cluster key held here' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l trusted-cluster -d 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l max-endorsement -d 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host\'s own too) [default: the policy\'s max_endorsement, else 24h]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from request" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l count -d 'Stop after this many messages' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l for -d 'Stop after this long, e.g. 10s' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l lattice -d 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l nats-creds -d 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l nats-nkey -d 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server\'s configuration' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l nats-ca -d 'Trust this CA (a PEM file) for the NATS server\'s certificate, instead of the system\'s CAs; TLS is then required, also with a nats:// URL' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l lattice-name -d 'The lattice\'s name: hosts of other lattices on the same NATS server are refused (letters, digits, \'_\', \'-\')' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l cluster-key -d 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l host-key -d 'This host\'s server key (store name, generated on first use) [default: a new key for this run only]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l endorsement -d 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key\'s public key, instead of endorsing this host with a cluster key held here' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l trusted-cluster -d 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l max-endorsement -d 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host\'s own too) [default: the policy\'s max_endorsement, else 24h]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from sub" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -l reason -d 'Why, shown by every host that drops a message for it (at most 200 characters)' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -l cluster-key -d 'The cluster key (store name) that signs; it must exist and the hosts must trust it [default: cluster]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -l lattice-name -d 'The lattice the revocation is for' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -l lattice -d 'The NATS server, nats://HOST:PORT or tls://HOST:PORT [default: nats://127.0.0.1:4222]' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -l nats-creds -d 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -l nats-nkey -d 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server\'s configuration' -r
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -l nats-ca -d 'Trust this CA (a PEM file) for the NATS server\'s certificate, instead of the system\'s CAs; TLS is then required, also with a nats:// URL' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from help" -f -a "endorse" -d 'Endorse a host\'s server key with a cluster key, for a host that must not hold the cluster seed: start it with `wzt run … --host-key NAME --endorsement FILE`'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from help" -f -a "pub" -d 'Publish one signed message'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from help" -f -a "request" -d 'Send one signed request and print the reply that passes every check (exit 1 when none comes in time)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from help" -f -a "sub" -d 'Watch a subject: print each message with its origin actor and host and the verdict of every check, without delivering anything (token ids are checked for replays by this process only, so watching never takes an id from the hosts that will receive it)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke hosts lattice-wide: every host drops their messages from now on (code `revoked`), also hosts that start later (the revocation is stored in the lattice\'s JetStream bucket)'
complete -c wzt -n "__fish_wzt_using_subcommand lattice; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wzt -n "__fish_wzt_using_subcommand completions" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand completions" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand completions" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand completions" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand completions" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and not __fish_seen_subcommand_from sign inspect help" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand claims; and not __fish_seen_subcommand_from sign inspect help" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand claims; and not __fish_seen_subcommand_from sign inspect help" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and not __fish_seen_subcommand_from sign inspect help" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and not __fish_seen_subcommand_from sign inspect help" -s h -l help -d 'Print help'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and not __fish_seen_subcommand_from sign inspect help" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and not __fish_seen_subcommand_from sign inspect help" -f -a "sign" -d 'The same as `wzt sign`'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and not __fish_seen_subcommand_from sign inspect help" -f -a "inspect" -d 'The same as `wzt inspect`'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and not __fish_seen_subcommand_from sign inspect help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -s c -l caps -d 'Capabilities to grant, comma separated, repeatable: aliases (http, httpclient, kv, msg, log, blob, config, fs, net, rand), contract ids, `auto` for exactly what the artifact imports, or `none` for no grants. Required for an artifact that imports or exports something a capability covers (signed without grants, it could not run)' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -s n -l name -d 'Actor name [default: the file stem]' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l ver -d 'Human-friendly version, e.g. 1.2.0 (no short flag: `-v` reads as "verbose")' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -s r -l rev -d 'Revision number' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l tag -d 'A tag (repeatable; no short flag: `-t` is `wzt new --template`)' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l call-alias -d 'Alias to call the actor by: lower-case letters, digits, \'_\' and \'/\'' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -s x -l expires -d 'When the claims expire: a duration from now (90m, 12h, 30d) or an RFC 3339 time' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -s b -l not-before -d 'When the claims become valid: a duration from now or an RFC 3339 time' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l scope -d 'Scope a granted capability to one resource, KIND=VALUE (repeatable): kv.bucket=app, httpclient.host=api.example.com:443 (`[scheme://]host[:port]`, `*.` wildcard), msg.publish=\'orders.>\' or msg.subscribe=greet (NATS wildcards), config.key=greeting. Replaces the project\'s [actor.scopes]' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l scopes-from -d 'Scope the grants to exactly the resources this trace shows used (a --trace-file of `wzt run` or `wzt dev`); a granted capability the trace never used reaches nothing' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -s i -l issuer -d 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project\'s issuer]' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -s s -l subject -d 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -s o -l output -d 'Output file (one input only) [default: <stem>_s.wasm beside the input]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l out-dir -d 'Write outputs to this directory, as <stem>_s.wasm' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l disable-keygen -d 'Fail instead of generating a missing default key'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l generate-keys -d 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l in-place -d 'Replace each input with its signed version'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -s h -l help -d 'Print help'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from sign" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -l against -d 'Compare with an older version (a file or oci://REF): list the grants and scopes this one adds, and exit 1 when it reaches anything the old one could not (a release gate)' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -l username -d 'Registry user name, with --password-stdin [default: the docker config file\'s entry for the registry, else anonymous]' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -l registry-timeout -d 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)' -r
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -s o -l output -d 'The output format: json (the same as --json) or text' -r -f -a "json\t'Machine-readable JSON (the same as --json)'
text\t'Text for a person (the default)'"
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -l keys-dir -d 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -l passphrase-file -d 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]' -r -F
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -l jwt-only -d 'Print only the raw token (exit 1 when there is none)'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -l insecure -d 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -l password-stdin -d 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -l json -d 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -l no-color -d 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from help" -f -a "sign" -d 'The same as `wzt sign`'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'The same as `wzt inspect`'
complete -c wzt -n "__fish_wzt_using_subcommand claims; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "new" -d 'Create an actor project from a template: http-hello, kv-counter, msg-greeter, msg-front or command'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "keys" -d 'Manage ed25519 keys (nkeys format) in the key store'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "sign" -d 'Sign modules or components: embed claims signed by an account key'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "inspect" -d 'Show the claims of a module or component, and its imports against its grants'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "verify" -d 'Verify signatures and claims against a trust policy'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "policy" -d 'Work with trust policy files'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "push" -d 'Verify an actor, then push it to an OCI registry'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "pull" -d 'Fetch an actor from an OCI registry, verify it, then write it'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "run" -d 'Verify an actor and run it: serve an HTTP actor, or run a command once'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "dev" -d 'Build, sign and serve the project in this directory, and reload it when its sources change'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "build" -d 'Build the project here, sign the artifact, and verify the signed file'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "attest" -d 'Write a signed provenance (an in-toto statement with SLSA provenance, in a DSSE envelope) for an artifact built elsewhere'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "doctor" -d 'Check what wzt needs: the Rust toolchain and wasm targets a project build uses, the key store and its default keys, the compile cache, the project file here, and the clock'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "lattice" -d 'Work with a lattice: endorse and revoke hosts, and publish, request or watch messages'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "completions" -d 'Print the completion script for a shell'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "claims" -d 'wash\'s `claims sign` and `claims inspect`, as `wzt sign` and `wzt inspect`'
complete -c wzt -n "__fish_wzt_using_subcommand help; and not __fish_seen_subcommand_from new keys sign inspect verify policy push pull run dev build attest doctor lattice completions claims help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "gen" -d 'Generate a key pair and save its seed as <NAME>.nk'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "list" -d 'List the stored keys'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "show" -d 'Show a stored key\'s public key and role'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "import" -d 'Store an existing seed, or someone else\'s public key, under NAME'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "encrypt" -d 'Encrypt a stored key\'s seed with a passphrase, in the age format'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "decrypt" -d 'Decrypt a stored key: NAME.nk holds the bare seed again and NAME.pub is removed'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "rm" -d 'Remove a stored key (asks first; without a terminal, requires --yes). Removing a public-only key untrusts it'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "init" -d 'Write a commented policy file to start from'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from lattice" -f -a "endorse" -d 'Endorse a host\'s server key with a cluster key, for a host that must not hold the cluster seed: start it with `wzt run … --host-key NAME --endorsement FILE`'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from lattice" -f -a "pub" -d 'Publish one signed message'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from lattice" -f -a "request" -d 'Send one signed request and print the reply that passes every check (exit 1 when none comes in time)'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from lattice" -f -a "sub" -d 'Watch a subject: print each message with its origin actor and host and the verdict of every check, without delivering anything (token ids are checked for replays by this process only, so watching never takes an id from the hosts that will receive it)'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from lattice" -f -a "revoke" -d 'Revoke hosts lattice-wide: every host drops their messages from now on (code `revoked`), also hosts that start later (the revocation is stored in the lattice\'s JetStream bucket)'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from claims" -f -a "sign" -d 'The same as `wzt sign`'
complete -c wzt -n "__fish_wzt_using_subcommand help; and __fish_seen_subcommand_from claims" -f -a "inspect" -d 'The same as `wzt inspect`'
