
use builtin;
use str;

set edit:completion:arg-completer[wzt] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'wzt'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'wzt'= {
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand new 'Create an actor project from a template: http-hello, kv-counter, msg-greeter, msg-front or command'
            cand keys 'Manage ed25519 keys (nkeys format) in the key store'
            cand sign 'Sign modules or components: embed claims signed by an account key'
            cand inspect 'Show the claims of a module or component, and its imports against its grants'
            cand verify 'Verify signatures and claims against a trust policy'
            cand policy 'Work with trust policy files'
            cand push 'Verify an actor, then push it to an OCI registry'
            cand pull 'Fetch an actor from an OCI registry, verify it, then write it'
            cand run 'Verify an actor and run it: serve an HTTP actor, or run a command once'
            cand dev 'Build, sign and serve the project in this directory, and reload it when its sources change'
            cand build 'Build the project here, sign the artifact, and verify the signed file'
            cand attest 'Write a signed provenance (an in-toto statement with SLSA provenance, in a DSSE envelope) for an artifact built elsewhere'
            cand doctor 'Check what wzt needs: the Rust toolchain and wasm targets a project build uses, the key store and its default keys, the compile cache, the project file here, and the clock'
            cand lattice 'Work with a lattice: endorse and revoke hosts, and publish, request or watch messages'
            cand completions 'Print the completion script for a shell'
            cand claims 'wash''s `claims sign` and `claims inspect`, as `wzt sign` and `wzt inspect`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wzt;new'= {
            cand -t 'The template [default: ask on a terminal, else http-hello]'
            cand --template 'The template [default: ask on a terminal, else http-hello]'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --list 'List the templates, one line each, and create nothing'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;keys'= {
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand gen 'Generate a key pair and save its seed as <NAME>.nk'
            cand list 'List the stored keys'
            cand show 'Show a stored key''s public key and role'
            cand import 'Store an existing seed, or someone else''s public key, under NAME'
            cand encrypt 'Encrypt a stored key''s seed with a passphrase, in the age format'
            cand decrypt 'Decrypt a stored key: NAME.nk holds the bare seed again and NAME.pub is removed'
            cand rm 'Remove a stored key (asks first; without a terminal, requires --yes). Removing a public-only key untrusts it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wzt;keys;gen'= {
            cand --name 'Name to save the key under [default: the role]'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --encrypt 'Encrypt the seed with a passphrase (age format); the public key goes to <NAME>.pub'
            cand --no-save 'Print the seed instead of saving it; nothing is stored'
            cand --force 'Replace an existing key of the same name (asks first on a terminal)'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;keys;list'= {
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;keys;show'= {
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --seed 'Also print the seed (the secret)'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;keys;import'= {
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --encrypt 'Encrypt the seed with a passphrase (age format); the public key goes to <NAME>.pub'
            cand --force 'Replace an existing key of the same name (asks first on a terminal)'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;keys;encrypt'= {
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;keys;decrypt'= {
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;keys;rm'= {
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;keys;help'= {
            cand gen 'Generate a key pair and save its seed as <NAME>.nk'
            cand list 'List the stored keys'
            cand show 'Show a stored key''s public key and role'
            cand import 'Store an existing seed, or someone else''s public key, under NAME'
            cand encrypt 'Encrypt a stored key''s seed with a passphrase, in the age format'
            cand decrypt 'Decrypt a stored key: NAME.nk holds the bare seed again and NAME.pub is removed'
            cand rm 'Remove a stored key (asks first; without a terminal, requires --yes). Removing a public-only key untrusts it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wzt;keys;help;gen'= {
        }
        &'wzt;keys;help;list'= {
        }
        &'wzt;keys;help;show'= {
        }
        &'wzt;keys;help;import'= {
        }
        &'wzt;keys;help;encrypt'= {
        }
        &'wzt;keys;help;decrypt'= {
        }
        &'wzt;keys;help;rm'= {
        }
        &'wzt;keys;help;help'= {
        }
        &'wzt;sign'= {
            cand -c 'Capabilities to grant, comma separated, repeatable: aliases (http, httpclient, kv, msg, log, blob, config, fs, net, rand), contract ids, `auto` for exactly what the artifact imports, or `none` for no grants. Required for an artifact that imports or exports something a capability covers (signed without grants, it could not run)'
            cand --caps 'Capabilities to grant, comma separated, repeatable: aliases (http, httpclient, kv, msg, log, blob, config, fs, net, rand), contract ids, `auto` for exactly what the artifact imports, or `none` for no grants. Required for an artifact that imports or exports something a capability covers (signed without grants, it could not run)'
            cand -n 'Actor name [default: the file stem]'
            cand --name 'Actor name [default: the file stem]'
            cand --ver 'Human-friendly version, e.g. 1.2.0 (no short flag: `-v` reads as "verbose")'
            cand -r 'Revision number'
            cand --rev 'Revision number'
            cand --tag 'A tag (repeatable; no short flag: `-t` is `wzt new --template`)'
            cand --call-alias 'Alias to call the actor by: lower-case letters, digits, ''_'' and ''/'''
            cand -x 'When the claims expire: a duration from now (90m, 12h, 30d) or an RFC 3339 time'
            cand --expires 'When the claims expire: a duration from now (90m, 12h, 30d) or an RFC 3339 time'
            cand -b 'When the claims become valid: a duration from now or an RFC 3339 time'
            cand --not-before 'When the claims become valid: a duration from now or an RFC 3339 time'
            cand --scope 'Scope a granted capability to one resource, KIND=VALUE (repeatable): kv.bucket=app, httpclient.host=api.example.com:443 (`[scheme://]host[:port]`, `*.` wildcard), msg.publish=''orders.>'' or msg.subscribe=greet (NATS wildcards), config.key=greeting. Replaces the project''s [actor.scopes]'
            cand --scopes-from 'Scope the grants to exactly the resources this trace shows used (a --trace-file of `wzt run` or `wzt dev`); a granted capability the trace never used reaches nothing'
            cand -i 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]'
            cand --issuer 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]'
            cand -s 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]'
            cand --subject 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]'
            cand -o 'Output file (one input only) [default: <stem>_s.wasm beside the input]'
            cand --output 'Output file (one input only) [default: <stem>_s.wasm beside the input]'
            cand --out-dir 'Write outputs to this directory, as <stem>_s.wasm'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --disable-keygen 'Fail instead of generating a missing default key'
            cand --generate-keys 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)'
            cand --in-place 'Replace each input with its signed version'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;inspect'= {
            cand --against 'Compare with an older version (a file or oci://REF): list the grants and scopes this one adds, and exit 1 when it reaches anything the old one could not (a release gate)'
            cand --username 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]'
            cand --registry-timeout 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --jwt-only 'Print only the raw token (exit 1 when there is none)'
            cand --insecure 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
            cand --password-stdin 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;verify'= {
            cand --policy 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]'
            cand --trusted-issuer 'Trust this issuer: an account public key or a store key name (repeatable)'
            cand --leeway 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]'
            cand --require-cap 'Require this capability to be granted (repeatable)'
            cand --allow-cap 'Reject grants outside these capabilities (repeatable)'
            cand --max-age 'Reject tokens issued longer ago than this, e.g. 90d'
            cand --revoke 'Reject this token id (jti) or subject key (repeatable)'
            cand --allow-scope 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=''*.example.com'' (repeatable)'
            cand --source-repo 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)'
            cand --provenance 'The artifact''s provenance (a DSSE-signed in-toto statement) [default: <stem>.intoto.json beside the file; for oci://REF, the registry''s referrer]. Checked when given, and whenever the policy requires provenance'
            cand --username 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]'
            cand --registry-timeout 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --allow-unsigned 'Accept artifacts that carry no signature'
            cand --require-expiry 'Reject tokens that never expire'
            cand --require-name-version 'Reject claims without a name and a version'
            cand --require-scoped 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes'
            cand --require-provenance 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry''s referrer)'
            cand --require-clean-tree 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)'
            cand --insecure 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
            cand --password-stdin 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;policy'= {
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Write a commented policy file to start from'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wzt;policy;init'= {
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --force 'Replace an existing file'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;policy;help'= {
            cand init 'Write a commented policy file to start from'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wzt;policy;help;init'= {
        }
        &'wzt;policy;help;help'= {
        }
        &'wzt;push'= {
            cand --username 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]'
            cand --registry-timeout 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)'
            cand --policy 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]'
            cand --trusted-issuer 'Trust this issuer: an account public key or a store key name (repeatable)'
            cand --leeway 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]'
            cand --require-cap 'Require this capability to be granted (repeatable)'
            cand --allow-cap 'Reject grants outside these capabilities (repeatable)'
            cand --max-age 'Reject tokens issued longer ago than this, e.g. 90d'
            cand --revoke 'Reject this token id (jti) or subject key (repeatable)'
            cand --allow-scope 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=''*.example.com'' (repeatable)'
            cand --source-repo 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --provenance 'The artifact''s provenance (a DSSE-signed in-toto statement) [default: <stem>.intoto.json beside the file; for oci://REF, the registry''s referrer]. Checked when given, and whenever the policy requires provenance'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --allow-latest 'Push to the tag `latest` (refused otherwise: a moving tag is overwritten only on purpose)'
            cand --insecure 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
            cand --password-stdin 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
            cand --allow-unsigned 'Accept artifacts that carry no signature'
            cand --require-expiry 'Reject tokens that never expire'
            cand --require-name-version 'Reject claims without a name and a version'
            cand --require-scoped 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes'
            cand --require-provenance 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry''s referrer)'
            cand --require-clean-tree 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;pull'= {
            cand -o 'Where to write the actor [default: the repository''s last name, .wasm, here]'
            cand --output 'Where to write the actor [default: the repository''s last name, .wasm, here]'
            cand --username 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]'
            cand --registry-timeout 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)'
            cand --policy 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]'
            cand --trusted-issuer 'Trust this issuer: an account public key or a store key name (repeatable)'
            cand --leeway 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]'
            cand --require-cap 'Require this capability to be granted (repeatable)'
            cand --allow-cap 'Reject grants outside these capabilities (repeatable)'
            cand --max-age 'Reject tokens issued longer ago than this, e.g. 90d'
            cand --revoke 'Reject this token id (jti) or subject key (repeatable)'
            cand --allow-scope 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=''*.example.com'' (repeatable)'
            cand --source-repo 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --force 'Replace the output file when it exists (never anything but a regular file)'
            cand --insecure 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
            cand --password-stdin 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
            cand --allow-unsigned 'Accept artifacts that carry no signature'
            cand --require-expiry 'Reject tokens that never expire'
            cand --require-name-version 'Reject claims without a name and a version'
            cand --require-scoped 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes'
            cand --require-provenance 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry''s referrer)'
            cand --require-clean-tree 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;run'= {
            cand --request 'Send one request in-process instead of listening, e.g. ''GET /'' or ''POST /items''; print the response body; exit 0 for 2xx/3xx, 1 otherwise'
            cand -H 'A request header, K:V (repeatable)'
            cand --header 'A request header, K:V (repeatable)'
            cand -d 'The request body: text, or @FILE to read it from a file'
            cand --data 'The request body: text, or @FILE to read it from a file'
            cand --caps 'Capabilities granted to an unsigned actor run with --allow-unsigned (none by default), or `auto` for exactly what it imports (still checked against the policy''s allowed_caps); a signed actor''s grants are its claims'
            cand --message 'Deliver a message to the actor''s wasmcloud:messaging handler before anything else, SUBJECT=PAYLOAD (repeatable)'
            cand --subscribe 'With --lattice: deliver messages on SUBJECT (NATS wildcards allowed) to the actor''s wasmcloud:messaging handler once they pass every check, through a queue group named after the actor, so hosts running the same actor share them (repeatable)'
            cand --lattice 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver'
            cand --nats-creds 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)'
            cand --nats-nkey 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server''s configuration'
            cand --nats-ca 'Trust this CA (a PEM file) for the NATS server''s certificate, instead of the system''s CAs; TLS is then required, also with a nats:// URL'
            cand --lattice-name 'The lattice''s name: hosts of other lattices on the same NATS server are refused (letters, digits, ''_'', ''-'')'
            cand --cluster-key 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]'
            cand --host-key 'This host''s server key (store name, generated on first use) [default: a new key for this run only]'
            cand --endorsement 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key''s public key, instead of endorsing this host with a cluster key held here'
            cand --trusted-cluster 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]'
            cand --max-endorsement 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host''s own too) [default: the policy''s max_endorsement, else 24h]'
            cand --listen 'Where to serve an HTTP actor: PORT (on 127.0.0.1), IP:PORT, or localhost:PORT; port 0 picks a free one (also --addr)'
            cand -e 'An environment variable for the actor, K=V (repeatable)'
            cand --env 'An environment variable for the actor, K=V (repeatable)'
            cand --dir 'Preopen a host directory for the guest, HOST[::GUEST] (needs the fs capability)'
            cand --max-memory 'Linear memory per instance, e.g. 512MiB'
            cand --timeout 'Wall-clock deadline per invocation, e.g. 30s or 500ms'
            cand --max-concurrent 'Invocations running at once; more wait'
            cand --keep-resident 'Memory kept resident per instance slot between invocations and reset in place (only the pages an invocation touched); 0 returns it all to the kernel after each invocation (slower: page faults and TLB shootdowns on every request). More is faster for actors that touch more memory, and holds more while idle'
            cand --provider 'Choose a provider for one capability, CAP=KIND: kv=sqlite, kv=memory, httpclient=local or httpclient=mock (repeatable)'
            cand --kv-path 'The local key-value SQLite file (created 0600)'
            cand --kv-namespace 'The key-value namespace in that file [default: the actor''s subject key, so actors do not see each other''s data]; give two actors the same NAME to share data on purpose'
            cand --kv-quota 'Refuse key-value writes once the namespace holds this much, e.g. 10MiB'
            cand --kv-seed 'Seed the in-memory key-value store from JSON: {"bucket": {"key": "value"}}; only these buckets exist then'
            cand --kv-dump 'Write the in-memory key-value store to this JSON file when the run ends'
            cand --log-level 'Show wasi:logging lines at this level and above: trace, debug, info, warn, error, critical'
            cand --config 'A wasi:config value, K=V (repeatable; overrides --config-file)'
            cand --config-file 'wasi:config values from a TOML file of `key = "value"` lines'
            cand --allow-host 'Allow outgoing HTTP to this host: api.example.com, *.example.com, host:port, [::1]:port, and https:// or http:// in front for that scheme only (repeatable)'
            cand --http-fixtures 'Answer outgoing HTTP from this TOML file of [[response]] entries (method, url with `*`, status, headers, body) instead of the network; implies the mock HTTP client'
            cand --msg-replies 'Answer the actor''s messaging requests from this TOML file of [[reply]] entries (subject, with NATS `*` and `>` wildcards, and body)'
            cand --trace-file 'Write every capability call to this file as JSON lines'
            cand --console-listen 'Where the console listens (implies --console) [default: 127.0.0.1 on a free port]. An address beyond loopback lets other machines reach it (it says so at startup)'
            cand --policy 'A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists]'
            cand --trusted-issuer 'Trust this issuer: an account public key or a store key name (repeatable)'
            cand --leeway 'Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s]'
            cand --require-cap 'Require this capability to be granted (repeatable)'
            cand --allow-cap 'Reject grants outside these capabilities (repeatable)'
            cand --max-age 'Reject tokens issued longer ago than this, e.g. 90d'
            cand --revoke 'Reject this token id (jti) or subject key (repeatable)'
            cand --allow-scope 'Scopes of KIND must be inside PATTERN, e.g. httpclient.host=''*.example.com'' (repeatable)'
            cand --source-repo 'Accept only artifacts whose provenance names this source repository: a URL, or a prefix ending in /* (repeatable; implies --require-provenance)'
            cand --provenance 'The artifact''s provenance (a DSSE-signed in-toto statement) [default: <stem>.intoto.json beside the file; for oci://REF, the registry''s referrer]. Checked when given, and whenever the policy requires provenance'
            cand --username 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]'
            cand --registry-timeout 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --build 'For a project (no ACTOR, or DIR): build and sign it first, as `wzt build` does'
            cand --include 'Print the response status line and headers before the body (curl''s -i; in wzt, -i is --issuer)'
            cand -q 'Print no startup block (what runs, the policy and trust it passed, its grants and limits); what the actor does and errors are still printed'
            cand --quiet 'Print no startup block (what runs, the policy and trust it passed, its grants and limits); what the actor does and errors are still printed'
            cand --no-cache 'Compile without reading or writing the compile cache ($XDG_CACHE_HOME/wzt)'
            cand --mock-caps 'Use mock providers: in-memory key-value (seed with --kv-seed, dump with --kv-dump), nothing persisted'
            cand --trace-caps 'Print every capability call on stderr: actor, interface.function, arguments, result, duration'
            cand --console 'Serve a live web console beside the actor: requests with their headers and capability calls, denials with their fix, logs and output, traps, dev builds and reloads, claims and grants, key-value contents, lattice verdicts. Its URL, with a secret token, is printed at startup (`console: http://127.0.0.1:PORT/#token=…`)'
            cand --allow-unsigned 'Accept artifacts that carry no signature'
            cand --require-expiry 'Reject tokens that never expire'
            cand --require-name-version 'Reject claims without a name and a version'
            cand --require-scoped 'Reject kv, httpclient, msg and config grants that carry no per-resource scopes'
            cand --require-provenance 'Require a provenance signed by a trusted issuer whose subject is the artifact (beside the file as <stem>.intoto.json, --provenance FILE, or the registry''s referrer)'
            cand --require-clean-tree 'Accept only artifacts whose provenance records a clean git working tree (implies --require-provenance)'
            cand --insecure 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
            cand --password-stdin 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;dev'= {
            cand --debounce 'How long changes must settle before a rebuild starts'
            cand -i 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]'
            cand --issuer 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]'
            cand -s 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]'
            cand --subject 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]'
            cand --listen 'Where to serve an HTTP actor: PORT (on 127.0.0.1), IP:PORT, or localhost:PORT; port 0 picks a free one (also --addr)'
            cand -e 'An environment variable for the actor, K=V (repeatable)'
            cand --env 'An environment variable for the actor, K=V (repeatable)'
            cand --dir 'Preopen a host directory for the guest, HOST[::GUEST] (needs the fs capability)'
            cand --max-memory 'Linear memory per instance, e.g. 512MiB'
            cand --timeout 'Wall-clock deadline per invocation, e.g. 30s or 500ms'
            cand --max-concurrent 'Invocations running at once; more wait'
            cand --keep-resident 'Memory kept resident per instance slot between invocations and reset in place (only the pages an invocation touched); 0 returns it all to the kernel after each invocation (slower: page faults and TLB shootdowns on every request). More is faster for actors that touch more memory, and holds more while idle'
            cand --provider 'Choose a provider for one capability, CAP=KIND: kv=sqlite, kv=memory, httpclient=local or httpclient=mock (repeatable)'
            cand --kv-path 'The local key-value SQLite file (created 0600)'
            cand --kv-namespace 'The key-value namespace in that file [default: the actor''s subject key, so actors do not see each other''s data]; give two actors the same NAME to share data on purpose'
            cand --kv-quota 'Refuse key-value writes once the namespace holds this much, e.g. 10MiB'
            cand --kv-seed 'Seed the in-memory key-value store from JSON: {"bucket": {"key": "value"}}; only these buckets exist then'
            cand --kv-dump 'Write the in-memory key-value store to this JSON file when the run ends'
            cand --log-level 'Show wasi:logging lines at this level and above: trace, debug, info, warn, error, critical'
            cand --config 'A wasi:config value, K=V (repeatable; overrides --config-file)'
            cand --config-file 'wasi:config values from a TOML file of `key = "value"` lines'
            cand --allow-host 'Allow outgoing HTTP to this host: api.example.com, *.example.com, host:port, [::1]:port, and https:// or http:// in front for that scheme only (repeatable)'
            cand --http-fixtures 'Answer outgoing HTTP from this TOML file of [[response]] entries (method, url with `*`, status, headers, body) instead of the network; implies the mock HTTP client'
            cand --msg-replies 'Answer the actor''s messaging requests from this TOML file of [[reply]] entries (subject, with NATS `*` and `>` wildcards, and body)'
            cand --trace-file 'Write every capability call to this file as JSON lines'
            cand --console-listen 'Where the console listens (implies --console) [default: 127.0.0.1 on a free port]. An address beyond loopback lets other machines reach it (it says so at startup)'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --disable-keygen 'Fail instead of generating a missing default key'
            cand --generate-keys 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)'
            cand -q 'Print no startup block (what runs, the policy and trust it passed, its grants and limits); what the actor does and errors are still printed'
            cand --quiet 'Print no startup block (what runs, the policy and trust it passed, its grants and limits); what the actor does and errors are still printed'
            cand --no-cache 'Compile without reading or writing the compile cache ($XDG_CACHE_HOME/wzt)'
            cand --mock-caps 'Use mock providers: in-memory key-value (seed with --kv-seed, dump with --kv-dump), nothing persisted'
            cand --trace-caps 'Print every capability call on stderr: actor, interface.function, arguments, result, duration'
            cand --console 'Serve a live web console beside the actor: requests with their headers and capability calls, denials with their fix, logs and output, traps, dev builds and reloads, claims and grants, key-value contents, lattice verdicts. Its URL, with a secret token, is printed at startup (`console: http://127.0.0.1:PORT/#token=…`)'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;build'= {
            cand -i 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]'
            cand --issuer 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]'
            cand -s 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]'
            cand --subject 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --release 'Run the project''s `build.release_command` (without one, its build command, which in the templates builds in release mode already)'
            cand --disable-keygen 'Fail instead of generating a missing default key'
            cand --generate-keys 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;attest'= {
            cand --source 'The git checkout the artifact was built from'
            cand -i 'Account key that signs the provenance: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`]'
            cand --issuer 'Account key that signs the provenance: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`]'
            cand -o 'Where to write it [default: <stem>.intoto.json beside FILE]'
            cand --output 'Where to write it [default: <stem>.intoto.json beside FILE]'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --force 'Replace the output when it exists'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;doctor'= {
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;lattice'= {
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand endorse 'Endorse a host''s server key with a cluster key, for a host that must not hold the cluster seed: start it with `wzt run … --host-key NAME --endorsement FILE`'
            cand pub 'Publish one signed message'
            cand request 'Send one signed request and print the reply that passes every check (exit 1 when none comes in time)'
            cand sub 'Watch a subject: print each message with its origin actor and host and the verdict of every check, without delivering anything (token ids are checked for replays by this process only, so watching never takes an id from the hosts that will receive it)'
            cand revoke 'Revoke hosts lattice-wide: every host drops their messages from now on (code `revoked`), also hosts that start later (the revocation is stored in the lattice''s JetStream bucket)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wzt;lattice;endorse'= {
            cand --cluster-key 'The cluster key (store name, generated on first use) that signs [default: cluster]'
            cand --lattice-name 'The lattice the endorsement is for'
            cand --expires 'How long the endorsement is valid, e.g. 12h (at most --max-endorsement)'
            cand --max-endorsement 'The longest endorsement made: hosts refuse longer ones (their --max-endorsement or policy max_endorsement, 24h unless set)'
            cand -o 'Write the endorsement to FILE instead of standard output'
            cand --output 'Write the endorsement to FILE instead of standard output'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;lattice;pub'= {
            cand -d 'The body: text, or @FILE'
            cand --data 'The body: text, or @FILE'
            cand --lattice 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver'
            cand --nats-creds 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)'
            cand --nats-nkey 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server''s configuration'
            cand --nats-ca 'Trust this CA (a PEM file) for the NATS server''s certificate, instead of the system''s CAs; TLS is then required, also with a nats:// URL'
            cand --lattice-name 'The lattice''s name: hosts of other lattices on the same NATS server are refused (letters, digits, ''_'', ''-'')'
            cand --cluster-key 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]'
            cand --host-key 'This host''s server key (store name, generated on first use) [default: a new key for this run only]'
            cand --endorsement 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key''s public key, instead of endorsing this host with a cluster key held here'
            cand --trusted-cluster 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]'
            cand --max-endorsement 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host''s own too) [default: the policy''s max_endorsement, else 24h]'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;lattice;request'= {
            cand -d 'The body: text, or @FILE'
            cand --data 'The body: text, or @FILE'
            cand --timeout 'How long to wait for a valid reply'
            cand --lattice 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver'
            cand --nats-creds 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)'
            cand --nats-nkey 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server''s configuration'
            cand --nats-ca 'Trust this CA (a PEM file) for the NATS server''s certificate, instead of the system''s CAs; TLS is then required, also with a nats:// URL'
            cand --lattice-name 'The lattice''s name: hosts of other lattices on the same NATS server are refused (letters, digits, ''_'', ''-'')'
            cand --cluster-key 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]'
            cand --host-key 'This host''s server key (store name, generated on first use) [default: a new key for this run only]'
            cand --endorsement 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key''s public key, instead of endorsing this host with a cluster key held here'
            cand --trusted-cluster 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]'
            cand --max-endorsement 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host''s own too) [default: the policy''s max_endorsement, else 24h]'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;lattice;sub'= {
            cand --count 'Stop after this many messages'
            cand --for 'Stop after this long, e.g. 10s'
            cand --lattice 'Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg capability then publishes and requests over NATS, every message signed by this host and checked by its receiver'
            cand --nats-creds 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)'
            cand --nats-nkey 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server''s configuration'
            cand --nats-ca 'Trust this CA (a PEM file) for the NATS server''s certificate, instead of the system''s CAs; TLS is then required, also with a nats:// URL'
            cand --lattice-name 'The lattice''s name: hosts of other lattices on the same NATS server are refused (letters, digits, ''_'', ''-'')'
            cand --cluster-key 'The cluster key (store name) that endorses this host at start, generated on first use [default: cluster]'
            cand --host-key 'This host''s server key (store name, generated on first use) [default: a new key for this run only]'
            cand --endorsement 'Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key''s public key, instead of endorsing this host with a cluster key held here'
            cand --trusted-cluster 'Accept messages from hosts endorsed by this cluster key, C… or a stored key name (repeatable) [default: the cluster keys in the key store]'
            cand --max-endorsement 'Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host''s own too) [default: the policy''s max_endorsement, else 24h]'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;lattice;revoke'= {
            cand --reason 'Why, shown by every host that drops a message for it (at most 200 characters)'
            cand --cluster-key 'The cluster key (store name) that signs; it must exist and the hosts must trust it [default: cluster]'
            cand --lattice-name 'The lattice the revocation is for'
            cand --lattice 'The NATS server, nats://HOST:PORT or tls://HOST:PORT [default: nats://127.0.0.1:4222]'
            cand --nats-creds 'Authenticate to the NATS server with a credentials file (a user JWT and its seed, as `nsc` writes it; readable by this user only)'
            cand --nats-nkey 'Authenticate to the NATS server as this nkey user: a user key (U…) in the key store (`wzt keys gen user --name NAME`), listed in the server''s configuration'
            cand --nats-ca 'Trust this CA (a PEM file) for the NATS server''s certificate, instead of the system''s CAs; TLS is then required, also with a nats:// URL'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;lattice;help'= {
            cand endorse 'Endorse a host''s server key with a cluster key, for a host that must not hold the cluster seed: start it with `wzt run … --host-key NAME --endorsement FILE`'
            cand pub 'Publish one signed message'
            cand request 'Send one signed request and print the reply that passes every check (exit 1 when none comes in time)'
            cand sub 'Watch a subject: print each message with its origin actor and host and the verdict of every check, without delivering anything (token ids are checked for replays by this process only, so watching never takes an id from the hosts that will receive it)'
            cand revoke 'Revoke hosts lattice-wide: every host drops their messages from now on (code `revoked`), also hosts that start later (the revocation is stored in the lattice''s JetStream bucket)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wzt;lattice;help;endorse'= {
        }
        &'wzt;lattice;help;pub'= {
        }
        &'wzt;lattice;help;request'= {
        }
        &'wzt;lattice;help;sub'= {
        }
        &'wzt;lattice;help;revoke'= {
        }
        &'wzt;lattice;help;help'= {
        }
        &'wzt;completions'= {
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;claims'= {
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand sign 'The same as `wzt sign`'
            cand inspect 'The same as `wzt inspect`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wzt;claims;sign'= {
            cand -c 'Capabilities to grant, comma separated, repeatable: aliases (http, httpclient, kv, msg, log, blob, config, fs, net, rand), contract ids, `auto` for exactly what the artifact imports, or `none` for no grants. Required for an artifact that imports or exports something a capability covers (signed without grants, it could not run)'
            cand --caps 'Capabilities to grant, comma separated, repeatable: aliases (http, httpclient, kv, msg, log, blob, config, fs, net, rand), contract ids, `auto` for exactly what the artifact imports, or `none` for no grants. Required for an artifact that imports or exports something a capability covers (signed without grants, it could not run)'
            cand -n 'Actor name [default: the file stem]'
            cand --name 'Actor name [default: the file stem]'
            cand --ver 'Human-friendly version, e.g. 1.2.0 (no short flag: `-v` reads as "verbose")'
            cand -r 'Revision number'
            cand --rev 'Revision number'
            cand --tag 'A tag (repeatable; no short flag: `-t` is `wzt new --template`)'
            cand --call-alias 'Alias to call the actor by: lower-case letters, digits, ''_'' and ''/'''
            cand -x 'When the claims expire: a duration from now (90m, 12h, 30d) or an RFC 3339 time'
            cand --expires 'When the claims expire: a duration from now (90m, 12h, 30d) or an RFC 3339 time'
            cand -b 'When the claims become valid: a duration from now or an RFC 3339 time'
            cand --not-before 'When the claims become valid: a duration from now or an RFC 3339 time'
            cand --scope 'Scope a granted capability to one resource, KIND=VALUE (repeatable): kv.bucket=app, httpclient.host=api.example.com:443 (`[scheme://]host[:port]`, `*.` wildcard), msg.publish=''orders.>'' or msg.subscribe=greet (NATS wildcards), config.key=greeting. Replaces the project''s [actor.scopes]'
            cand --scopes-from 'Scope the grants to exactly the resources this trace shows used (a --trace-file of `wzt run` or `wzt dev`); a granted capability the trace never used reaches nothing'
            cand -i 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]'
            cand --issuer 'Issuer (account) key: a store key name, a seed file, or - for standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the project''s issuer]'
            cand -s 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]'
            cand --subject 'Subject (module) key: a store key name, a seed file, or - for standard input [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`]'
            cand -o 'Output file (one input only) [default: <stem>_s.wasm beside the input]'
            cand --output 'Output file (one input only) [default: <stem>_s.wasm beside the input]'
            cand --out-dir 'Write outputs to this directory, as <stem>_s.wasm'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --disable-keygen 'Fail instead of generating a missing default key'
            cand --generate-keys 'Generate a missing default issuer key even unattended (CI set, or stdin not a terminal)'
            cand --in-place 'Replace each input with its signed version'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;claims;inspect'= {
            cand --against 'Compare with an older version (a file or oci://REF): list the grants and scopes this one adds, and exit 1 when it reaches anything the old one could not (a release gate)'
            cand --username 'Registry user name, with --password-stdin [default: the docker config file''s entry for the registry, else anonymous]'
            cand --registry-timeout 'The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes is cut off)'
            cand -o 'The output format: json (the same as --json) or text'
            cand --output 'The output format: json (the same as --json) or text'
            cand --keys-dir 'The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or ~/.local/share/wzt/keys]'
            cand --passphrase-file 'Read the passphrase of encrypted keys from FILE (one trailing newline is ignored) [default: WZT_KEY_PASSPHRASE, else ask on a terminal]'
            cand --jwt-only 'Print only the raw token (exit 1 when there is none)'
            cand --insecure 'Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any other gets HTTPS)'
            cand --password-stdin 'Read the registry password (or token) for --username from standard input. It is used for one registry only: the first one a command contacts'
            cand --json 'Print machine-readable JSON on stdout (field names are stable, see the README); `-o json` too, where a command writes no output file'
            cand --no-color 'Never color the output (also when NO_COLOR is set, or stdout is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wzt;claims;help'= {
            cand sign 'The same as `wzt sign`'
            cand inspect 'The same as `wzt inspect`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wzt;claims;help;sign'= {
        }
        &'wzt;claims;help;inspect'= {
        }
        &'wzt;claims;help;help'= {
        }
        &'wzt;help'= {
            cand new 'Create an actor project from a template: http-hello, kv-counter, msg-greeter, msg-front or command'
            cand keys 'Manage ed25519 keys (nkeys format) in the key store'
            cand sign 'Sign modules or components: embed claims signed by an account key'
            cand inspect 'Show the claims of a module or component, and its imports against its grants'
            cand verify 'Verify signatures and claims against a trust policy'
            cand policy 'Work with trust policy files'
            cand push 'Verify an actor, then push it to an OCI registry'
            cand pull 'Fetch an actor from an OCI registry, verify it, then write it'
            cand run 'Verify an actor and run it: serve an HTTP actor, or run a command once'
            cand dev 'Build, sign and serve the project in this directory, and reload it when its sources change'
            cand build 'Build the project here, sign the artifact, and verify the signed file'
            cand attest 'Write a signed provenance (an in-toto statement with SLSA provenance, in a DSSE envelope) for an artifact built elsewhere'
            cand doctor 'Check what wzt needs: the Rust toolchain and wasm targets a project build uses, the key store and its default keys, the compile cache, the project file here, and the clock'
            cand lattice 'Work with a lattice: endorse and revoke hosts, and publish, request or watch messages'
            cand completions 'Print the completion script for a shell'
            cand claims 'wash''s `claims sign` and `claims inspect`, as `wzt sign` and `wzt inspect`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wzt;help;new'= {
        }
        &'wzt;help;keys'= {
            cand gen 'Generate a key pair and save its seed as <NAME>.nk'
            cand list 'List the stored keys'
            cand show 'Show a stored key''s public key and role'
            cand import 'Store an existing seed, or someone else''s public key, under NAME'
            cand encrypt 'Encrypt a stored key''s seed with a passphrase, in the age format'
            cand decrypt 'Decrypt a stored key: NAME.nk holds the bare seed again and NAME.pub is removed'
            cand rm 'Remove a stored key (asks first; without a terminal, requires --yes). Removing a public-only key untrusts it'
        }
        &'wzt;help;keys;gen'= {
        }
        &'wzt;help;keys;list'= {
        }
        &'wzt;help;keys;show'= {
        }
        &'wzt;help;keys;import'= {
        }
        &'wzt;help;keys;encrypt'= {
        }
        &'wzt;help;keys;decrypt'= {
        }
        &'wzt;help;keys;rm'= {
        }
        &'wzt;help;sign'= {
        }
        &'wzt;help;inspect'= {
        }
        &'wzt;help;verify'= {
        }
        &'wzt;help;policy'= {
            cand init 'Write a commented policy file to start from'
        }
        &'wzt;help;policy;init'= {
        }
        &'wzt;help;push'= {
        }
        &'wzt;help;pull'= {
        }
        &'wzt;help;run'= {
        }
        &'wzt;help;dev'= {
        }
        &'wzt;help;build'= {
        }
        &'wzt;help;attest'= {
        }
        &'wzt;help;doctor'= {
        }
        &'wzt;help;lattice'= {
            cand endorse 'Endorse a host''s server key with a cluster key, for a host that must not hold the cluster seed: start it with `wzt run … --host-key NAME --endorsement FILE`'
            cand pub 'Publish one signed message'
            cand request 'Send one signed request and print the reply that passes every check (exit 1 when none comes in time)'
            cand sub 'Watch a subject: print each message with its origin actor and host and the verdict of every check, without delivering anything (token ids are checked for replays by this process only, so watching never takes an id from the hosts that will receive it)'
            cand revoke 'Revoke hosts lattice-wide: every host drops their messages from now on (code `revoked`), also hosts that start later (the revocation is stored in the lattice''s JetStream bucket)'
        }
        &'wzt;help;lattice;endorse'= {
        }
        &'wzt;help;lattice;pub'= {
        }
        &'wzt;help;lattice;request'= {
        }
        &'wzt;help;lattice;sub'= {
        }
        &'wzt;help;lattice;revoke'= {
        }
        &'wzt;help;completions'= {
        }
        &'wzt;help;claims'= {
            cand sign 'The same as `wzt sign`'
            cand inspect 'The same as `wzt inspect`'
        }
        &'wzt;help;claims;sign'= {
        }
        &'wzt;help;claims;inspect'= {
        }
        &'wzt;help;help'= {
        }
    ]
    $completions[$command]
}
