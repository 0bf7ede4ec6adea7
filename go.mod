module github.com/go-tune/tune

go 1.26
