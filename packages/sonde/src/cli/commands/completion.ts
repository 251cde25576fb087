// `sonde completion bash|zsh`: a completion script built from the commands
// and options the program actually has, so it never goes stale.
import { type Command, InvalidArgumentError } from 'commander';

interface Spec {
  readonly name: string;
  readonly options: string[];
}

function specs(program: Command): Spec[] {
  return program.commands.map((c) => ({
    name: c.name(),
    options: c.options
      .flatMap((o) => [o.short, o.long].filter((x): x is string => Boolean(x)))
      .concat('--help'),
  }));
}

export function bashCompletion(program: Command): string {
  const cmds = specs(program);
  const cases = cmds.map((c) => `    ${c.name}) opts="${c.options.join(' ')}" ;;`).join('\n');
  return `# bash completion for sonde; load with: source <(sonde completion bash)
_sonde() {
  local cur cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${cmds.map((c) => c.name).join(' ')} help" -- "$cur") )
    return
  fi
  case "$cmd" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "$opts" -- "$cur") ); else COMPREPLY=( $(compgen -f -- "$cur") ); fi
}
complete -F _sonde sonde
`;
}

export function zshCompletion(program: Command): string {
  const cmds = specs(program);
  const describe = program.commands
    .map((c) => `    '${c.name()}:${c.description().replace(/'/g, "'\\''").replace(/:/g, '\\:')}'`)
    .join('\n');
  const cases = cmds
    .map((c) => `    ${c.name}) _arguments ${c.options.map((o) => `'${o}'`).join(' ')} '*:file:_files' ;;`)
    .join('\n');
  return `#compdef sonde
# zsh completion for sonde; load with: source <(sonde completion zsh)
_sonde() {
  local -a commands
  commands=(
${describe}
  )
  if (( CURRENT == 2 )); then _describe 'command' commands; return; fi
  case "$words[2]" in
${cases}
  esac
}
compdef _sonde sonde
`;
}

export default function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash or zsh)')
    .argument('<shell>', 'bash or zsh', (value: string) => {
      if (value !== 'bash' && value !== 'zsh') throw new InvalidArgumentError('shell must be bash or zsh');
      return value;
    })
    .addHelpText('after', '\nExample:\n  source <(sonde completion bash)    # in ~/.bashrc')
    .action((shell: 'bash' | 'zsh') => {
      process.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
