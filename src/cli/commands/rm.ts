/** `kvs rm KEY`: deletes a key. */
import { rm } from '../actions/rm.js';
import { keyArg, syncFlag } from '../flags.js';
import { StoreCommand } from '../store-command.js';

export default class Rm extends StoreCommand {
  static override summary = 'Delete a key.';
  static override description = 'Prints nothing on success. A missing key prints "Key not found" on stderr and exits 1.';
  static override examples = ['<%= config.bin %> <%= command.id %> user:1', '<%= config.bin %> <%= command.id %> user:1 --addr 127.0.0.1:6380'];
  static override args = {
    key: keyArg,
  };
  static override flags = { sync: syncFlag };

  async run(): Promise<void> {
    await rm(await this.input(Rm));
  }
}
