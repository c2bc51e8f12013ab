import { mountApp } from "./app";
import { tauriBackend } from "./backend";

const root = document.getElementById("app");
if (root !== null) {
  void mountApp(root, tauriBackend());
}
