//go:build unix

package camera

import (
	"os/exec"
	"syscall"
	"time"
)

// shellCommand runs command under /bin/sh in a process group of its own,
// so that stopCommand reaches every process of a pipeline
// ("rpicam-vid ... | ffmpeg ...").
func shellCommand(command string) *exec.Cmd {
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// stopCommand sends SIGTERM to the command's process group, SIGKILL after
// a second, and reaps the shell.
func stopCommand(cmd *exec.Cmd) {
	pgid := -cmd.Process.Pid
	syscall.Kill(pgid, syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(time.Second):
		syscall.Kill(pgid, syscall.SIGKILL)
		<-done
	}
}
