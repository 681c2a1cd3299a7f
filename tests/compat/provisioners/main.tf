# Provisioners: local-exec (create- and destroy-time, with every argument), remote-exec and file
# with connection blocks (which validate; infractl refuses them only when they would run).
resource "aws_sns_topic" "alerts" {
  name = "compat-provisioned"

  provisioner "local-exec" {
    command     = "echo created ${self.arn} > created.txt"
    interpreter = ["/bin/sh", "-c"]
    working_dir = path.module
    environment = { TOPIC = self.name }
    quiet       = true
  }

  provisioner "local-exec" {
    when       = destroy
    command    = "echo destroyed ${self.name}"
    on_failure = continue
  }
}

resource "aws_sns_topic" "remote" {
  count = 0
  name  = "compat-remote-${count.index}"

  connection {
    type        = "ssh"
    host        = "10.0.0.1"
    user        = "ec2-user"
    private_key = "not-a-key"
    timeout     = "2m"
  }

  provisioner "file" {
    content     = "hello"
    destination = "/tmp/hello"
  }

  provisioner "remote-exec" {
    inline = ["cat /tmp/hello"]
    connection {
      type = "ssh"
      host = self.name
      port = 22
    }
  }
}
