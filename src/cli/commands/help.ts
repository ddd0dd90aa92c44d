/** `kvs help [COMMAND]`: the same help as `kvs COMMAND --help` (oclif's help, without its plugin). */
import { Args, loadHelpClass } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { reportUsageError } from '../report-error.js';
import { unknownCommandMessage } from '../suggest.js';

export default class Help extends BaseCommand {
  static override summary = 'Show help for kvs, or for one command.';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> set'];
  static override strict = false;
  static override args = { command: Args.string({ required: false, ignoreStdin: true, description: 'Command to show help for.' }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(Help);
    const words = (argv as string[]).filter((word) => !word.startsWith('-'));
    const help = new (await loadHelpClass(this.config))(this.config);
    if (words.length === 0) return help.showHelp([]);
    // By name, not through showHelp(argv): oclif's showHelp drops the word "help", so `kvs help help` showed the root help.
    const command = this.config.findCommand(words.join(':'));
    if (command === undefined) return reportUsageError(unknownCommandMessage(words[0]!, this.config.bin, this.config.commandIDs), { bin: this.config.bin });
    await help.showCommandHelp(command, []);
  }
}
