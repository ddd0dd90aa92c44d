/** `kvs help [COMMAND]`: the same help as `kvs COMMAND --help` (oclif's help, without its plugin). */
import { Args, loadHelpClass } from '@oclif/core';
import { BaseCommand } from '../base-command.js';

export default class Help extends BaseCommand {
  static override summary = 'Show help for kvs, or for one command.';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> set'];
  static override strict = false;
  static override args = { command: Args.string({ required: false, ignoreStdin: true, description: 'Command to show help for.' }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(Help);
    const HelpClass = await loadHelpClass(this.config);
    await new HelpClass(this.config).showHelp(argv as string[]);
  }
}
