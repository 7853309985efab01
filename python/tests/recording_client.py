"""An nbclient NotebookClient that keeps every iopub message it routed to a cell
(same parent msg_id), for tests that check what the kernel sent, not only the
outputs nbclient kept."""
import nbclient


class RecordingClient(nbclient.NotebookClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.messages = {}

    def process_message(self, msg, cell, cell_index):
        self.messages.setdefault(cell_index, []).append(msg)
        return super().process_message(msg, cell, cell_index)
