//go:build !unix

package camera

import "os/exec"

// shellCommand runs command under cmd.exe: off Unix the camera verb runs
// on a Windows workstation, reading a pipe from ffmpeg.
func shellCommand(command string) *exec.Cmd { return exec.Command("cmd", "/C", command) }

// stopCommand kills the shell and reaps it. Windows has no process groups
// to signal; the pipeline's other processes end when their pipe closes.
func stopCommand(cmd *exec.Cmd) {
	cmd.Process.Kill()
	cmd.Wait()
}
